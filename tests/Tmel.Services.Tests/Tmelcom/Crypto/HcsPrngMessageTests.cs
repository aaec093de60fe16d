using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 40-byte HCS_PRNG_GET struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class HcsPrngMessageTests : CryptoMessageGoldenTests<HcsPrngMessage>
{
    internal const string GoldenHex =
        "01000C0B" + //   0 input.length = 0x0B0C0001
        "05000C0B" + //   4 output.prng_buf.pdata = 0x0B0C0005
        "09000C0B" + //   8 output.prng_buf.length = 0x0B0C0009
        "0D000C0B" + //  12 output.prng_buf.length_used = 0x0B0C000D
        "11000C0B" + //  16 output.status = 0x0B0C0011
        "15000C0B" + //  20 seq_status.tme_error_status = 0x0B0C0015
        "19000C0B" + //  24 seq_status.seq_error_status = 0x0B0C0019
        "1D000C0B" + //  28 seq_status.seq_kp_error_status0 = 0x0B0C001D
        "21000C0B" + //  32 seq_status.seq_kp_error_status1 = 0x0B0C0021
        "25000C0B";  //  36 seq_status.seq_rsp_status = 0x0B0C0025

    internal static readonly HcsPrngMessage Golden = new(
        Length: 0x0B0C0001,
        Output: new TmelcomOutBuffer(0x0B0C0005, 0x0B0C0009, 0x0B0C000D),
        Status: 0x0B0C0011,
        Sequencer: new TmeSequencerStatus(0x0B0C0015, 0x0B0C0019, 0x0B0C001D, 0x0B0C0021, 0x0B0C0025));

    /// <inheritdoc/>
    protected override HcsPrngMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 40;
}
