using System.Buffers.Binary;
using Tmel.Services.ImageAuth;

namespace Tmel.Simulator;

/// <summary>
/// The simulated QFPROM rows FUSE_READ_MULTIPLE_ROW reads, derived from the same <see cref="TsimFuses"/> image
/// authentication checks (docs/device-services.md has the map and why each row is where it is).
/// </summary>
/// <remarks>
/// <code>
///  address            row
///  0x000A0058         rootfs-auth fuse: 0 (not enabled)
///  0x000A00E0         OEM ATE row 0: lsb bit 7 OEM secure boot, bit 1 QTI secure boot (both 1), lsb[31:16] OEM_ID; msb[15:0] MODEL_ID
///  0x000A00F8 + 8·i   OEM_PK_HASH, i = 0..6: 8 bytes per row, little-endian (48 bytes in rows 0..5, row 6 zero)
///  0x000A0200         HW_ID (JTAG id): lsb low 32 bits, msb high 32 bits
///  0x000A0400 + 8·n   anti-rollback row of sw_id n, n = 0..31: lsb the committed minimum version, msb 0
/// </code>
/// Any other address is not in the map.
/// </remarks>
internal sealed class FuseMap(TsimFuses fuses, AntiRollbackStore antiRollback)
{
    public const uint RootfsAuthRow = 0xA0058;
    public const uint OemAteRow = 0xA00E0;
    public const uint OemPkHashRow = 0xA00F8;
    public const int OemPkHashRows = 7;
    public const uint HwIdRow = 0xA0200;
    public const uint AntiRollbackRow = 0xA0400;
    public const int AntiRollbackRows = 32;

    /// <summary>lsb bit 7 (OEM secure boot) and bit 1 (QTI secure boot): mask 0x82, "TME auth enable".</summary>
    public const uint SecureBootBits = 0x82;

    public bool TryRead(uint address, out ulong value)
    {
        value = 0;
        switch (address)
        {
            case RootfsAuthRow:
                return true;
            case OemAteRow:
                value = ((ulong)(fuses.ModelId & 0xFFFF) << 32) | ((fuses.OemId & 0xFFFF) << 16) | SecureBootBits;
                return true;
            case HwIdRow:
                value = fuses.HwId;
                return true;
        }

        if (address >= OemPkHashRow && address < OemPkHashRow + (OemPkHashRows * 8) && (address - OemPkHashRow) % 8 == 0)
        {
            Span<byte> row = stackalloc byte[8];
            row.Clear();
            int offset = (int)(address - OemPkHashRow);
            byte[] hash = fuses.OemPkHash ?? [];
            if (offset < hash.Length)
            {
                hash.AsSpan(offset, Math.Min(8, hash.Length - offset)).CopyTo(row);
            }

            value = BinaryPrimitives.ReadUInt64LittleEndian(row);
            return true;
        }

        if (address >= AntiRollbackRow && address < AntiRollbackRow + (AntiRollbackRows * 8) && (address - AntiRollbackRow) % 8 == 0)
        {
            value = antiRollback.TryGet((address - AntiRollbackRow) / 8, out uint version) ? version : 0;
            return true;
        }

        return false;
    }
}
