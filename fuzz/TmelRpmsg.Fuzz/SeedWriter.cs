using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tmel.Services.Attestation;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;
using Tmel.Simulator;
using Tmel.Transport.Qmp;
using TmelRpmsg.Fuzz.Targets;

namespace TmelRpmsg.Fuzz;

/// <summary>
/// Writes the seed inputs committed under fuzz/corpus/TARGET/ (fuzz/README.md, "Seeds"): the golden tests' structures
/// (whose bytes the golden tests check against the fact sheets) in each target's input layout, TSIM images signed from
/// the checked-in test ELFs, tokens from a simulated device, and layout.json as the simulator writes it.
/// </summary>
internal static class SeedWriter
{
    private const uint Bus = SimulatorServicesTarget.BusAddress;

    private static readonly JsonSerializerOptions s_indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly JsonSerializerOptions s_compact = new(JsonSerializerDefaults.Web);

    public static int WriteAll(string directory)
    {
        int count = 0;
        void Write(string target, string name, byte[] bytes)
        {
            string folder = Path.Combine(directory, target);
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
            count++;
        }

        foreach ((string name, byte[] bytes) in NameService())
        {
            Write("name-service", name, bytes);
        }

        foreach ((string name, byte[] bytes) in TmelcomPackets())
        {
            Write("tmelcom-packet", name, bytes);
        }

        foreach ((string name, byte[] bytes) in Structs(new ImageAuthStructsTarget(), ImageAuthStructs()))
        {
            Write("image-auth-structs", name, bytes);
        }

        foreach ((string name, byte[] bytes) in Structs(new AttestationStructsTarget(), AttestationStructs()))
        {
            Write("attestation-structs", name, bytes);
        }

        foreach ((string name, byte[] bytes) in Structs(new DeviceStructsTarget(), DeviceStructs()))
        {
            Write("device-structs", name, bytes);
        }

        foreach ((string name, byte[] bytes) in Structs(new CryptoStructsTarget(), CryptoStructs()))
        {
            Write("crypto-structs", name, bytes);
        }

        foreach ((string name, byte[] bytes) in QmpLinkScripts())
        {
            Write("qmp-link", name, bytes);
        }

        using TsimSigningIdentity identity = TsimSigningIdentity.Create(
            new TsimIdentityOptions
            {
                SwId = TsimImageTarget.SwId,
                HwId = TsimImageTarget.HwId,
                OemId = TsimImageTarget.OemId,
                ModelId = TsimImageTarget.ModelId,
                Validity = TimeSpan.FromDays(365),
            },
            new FakeTimeProvider(TsimImageTarget.Created));
        byte[] signed = SignTestElf(identity);
        Write("tsim-image", "signed-tiny-i386", [.. identity.OemPkHash, .. signed]);
        Write("tsim-image", "unsigned-tiny-i386", [.. identity.OemPkHash, .. File.ReadAllBytes(TestElf("tiny-i386.elf"))]);
        Write("tsim-image", "unsigned-tiny-x86_64", [.. identity.OemPkHash, .. File.ReadAllBytes(TestElf("tiny-x86_64.elf"))]);

        foreach ((string name, byte[] bytes) in SimulatorRequests(identity.OemPkHash, signed))
        {
            Write("simulator-services", name, bytes);
        }

        foreach ((string name, byte[] bytes) in Tokens())
        {
            Write("attestation-token", name, bytes);
        }

        foreach ((string name, byte[] bytes) in Layouts())
        {
            Write("process-layout", name, bytes);
        }

        return count;
    }

    private static string TestElf(string name)
    {
        // The TSIM tests' checked-in ELFs (tests/Tmel.Services.Tests/ImageAuth/Images/TestData), found from the repository root.
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "TmelRpmsg.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        dir ??= Directory.GetCurrentDirectory();
        return Path.Combine(dir, "tests", "Tmel.Services.Tests", "ImageAuth", "Images", "TestData", name);
    }

    private static byte[] SignTestElf(TsimSigningIdentity identity) =>
        TsimImageSigner.Sign(File.ReadAllBytes(TestElf("tiny-i386.elf")), identity, new TsimSignOptions
        {
            SwId = TsimImageTarget.SwId,
            HwId = TsimImageTarget.HwId,
            OemId = TsimImageTarget.OemId,
            ModelId = TsimImageTarget.ModelId,
            AntiRollbackVersion = 2,
        });

    private static IEnumerable<(string, byte[])> NameService()
    {
        static byte[] Announcement(string name, uint address, uint flags)
        {
            byte[] bytes = new byte[40];
            Encoding.ASCII.GetBytes(name).CopyTo(bytes, 0);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32), address);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(36), flags);
            return bytes;
        }

        yield return ("create-tmel-echo", Announcement(TmelSimulator.EchoChannel, 0x400, 0));
        yield return ("destroy-tmel-image-auth", Announcement(TmelSimulator.ImageAuthChannel, 0x401, 1));
        yield return ("create-31-chars", Announcement(new string('n', 31), 0xFFFF_FFFE, 0));
    }

    private static IEnumerable<(string, byte[])> TmelcomPackets()
    {
        // TmelcomPacketTests' golden hex, derived by hand from qmp-rfc.md §5.1 and §8.
        yield return ("golden-tear-down-inline", Convert.FromHexString("18000A004D3C2B1A000000000100000000000000" + "00000000"));
        yield return ("golden-sec-auth-sram", Convert.FromHexString("110004004000208F2C000000000000000000000000000000"));
        yield return ("golden-sec-auth-reply-minus-three", Convert.FromHexString("110004FD4000208F2C000000000000000000000000000000"));
        yield return ("loopback-inline", Packet(TmelcomPacket.CreateInline(TmelcomUid.LoopbackTest, Encoded(12, d => LoopbackMessage.Encode(new LoopbackMessage(2, 3, 0), d)))));
    }

    private static byte[] Packet(TmelcomPacket packet)
    {
        byte[] bytes = new byte[TmelcomPacket.Size];
        TmelcomPacket.Encode(packet, bytes);
        return bytes;
    }

    private delegate int Encoder(Span<byte> destination);

    private static byte[] Encoded(int size, Encoder encode)
    {
        byte[] bytes = new byte[size];
        return bytes[..encode(bytes)];
    }

    private static IEnumerable<(string, byte[])> Structs(StructDecoderTarget target, IEnumerable<(int Selector, string Name, byte[] Bytes)> structs) =>
        structs.Select(s => (s.Name, (byte[])[(byte)(s.Selector % target.Decoders.Count), .. s.Bytes]));

    private static IEnumerable<(int, string, byte[])> ImageAuthStructs()
    {
        // SecAuthRequestTests' golden struct: sw_id 0x0C, elf_buf 0x8F201000+0xA74, region_list 0x8F202000+16, relocate 1.
        var request = new SecAuthRequest(0x0C, new TmelcomBuffer(0x8F201000, 0xA74), new TmelcomBuffer(0x8F202000, 16), 1);
        byte[] sec = Encoded(SecAuthRequest.MessageSize, d => SecAuthRequest.Encode(request, d));
        yield return (0, "sec-auth-request", sec);
        byte[] response = (byte[])sec.Clone();
        SecAuthResponse.Encode(new SecAuthResponse(0x8F300000, 0x1000, 0x8F300040, 0x0B, 0x4A), response);
        yield return (1, "sec-auth-response-failed", response);
        yield return (2, "sec-auth-v2", Encoded(SecAuthV2Message.MessageSize, d => SecAuthV2Message.Encode(new SecAuthV2Message(request, 1, new TmelcomBuffer(0, 0), default, 0), d)));
        yield return (3, "region-list-two", Encoded(SecAuthRegionList.MaxByteLength, d => SecAuthRegionList.Encode([new SecAuthRegion(0x8F300000, 0x2000), new SecAuthRegion(0x8F400000, 0x1000)], d)));
        yield return (4, "tear-down-request", Encoded(TearDownRequest.MessageSize, d => TearDownRequest.Encode(new TearDownRequest(0x1A2B3C4D), d)));
        byte[] tearDown = Encoded(TearDownRequest.MessageSize, d => TearDownRequest.Encode(new TearDownRequest(0x1A2B3C4D), d));
        BinaryPrimitives.WriteUInt32LittleEndian(tearDown.AsSpan(TearDownResponse.Offset), 1);
        yield return (5, "tear-down-response-failed", tearDown);
    }

    private static IEnumerable<(int, string, byte[])> AttestationStructs()
    {
        yield return (0, "init-attestation", Encoded(QwesInitAttestationMessage.MessageSize, d => QwesInitAttestationMessage.Encode(QwesInitAttestationMessage.CreateRequest(new TmelcomBuffer(0x8F200100, 128)), d)));
        yield return (1, "device-attestation", Encoded(QwesDeviceAttestationMessage.MessageSize, d => QwesDeviceAttestationMessage.Encode(
            QwesDeviceAttestationMessage.CreateRequest(new TmelcomBuffer(0x8F200100, 40), new TmelcomBuffer(0, 0), new TmelcomBuffer(0x8F200200, 2048)), d)));
        yield return (2, "request-blob-nonce-32", AttestationRequestFormat.Encode(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        using var identity = AttestationIdentity.Create(TimeProvider.System);
        yield return (3, "public-key-and-chain", identity.PublicKey.Encode(includeChain: true));
        byte[] token = Token(identity, new byte[32]);
        yield return (4, "claims-of-a-token", Cose(token));
    }

    private static byte[] Token(AttestationIdentity identity, byte[] nonce) =>
        AttestationTokenBuilder.Build(identity, nonce, TmelSubsystem.Apps.ClientId(SimulatorServicesTarget.Source), new byte[32], [], []);

    private static byte[] Cose(byte[] token) => System.Security.Cryptography.Cose.CoseMessage.DecodeSign1(token).Content!.Value.ToArray();

    private static IEnumerable<(int, string, byte[])> DeviceStructs()
    {
        yield return (0, "arb-commit", Encoded(ArbCommitMessage.MessageSize, d => ArbCommitMessage.Encode(new ArbCommitMessage(new TmelcomBuffer(0x8F200100, 8), 0), d)));
        yield return (1, "arb-version", Encoded(ArbVersionMessage.MessageSize, d => ArbVersionMessage.Encode(ArbVersionMessage.CreateRequest(0x0D), d)));
        yield return (2, "fuse-list-two", Encoded(24, d => FuseEntry.EncodeList([new FuseEntry(0xA00F8, 0, 0), new FuseEntry(0xA0200, 0, 0)], d)));
        yield return (3, "fuse-read", Encoded(FuseReadMessage.MessageSize, d => FuseReadMessage.Encode(FuseReadMessage.CreateRequest(new TmelcomBuffer(0x8F200100, 24)), d)));
        yield return (4, "get-state", Encoded(GetStateMessage.MessageSize, d => GetStateMessage.Encode(GetStateMessage.CreateRequest(new TmelcomBuffer(0x8F200100, 128)), d)));
        yield return (5, "loopback", Encoded(LoopbackMessage.MessageSize, d => LoopbackMessage.Encode(new LoopbackMessage(2, 3, 0), d)));
    }

    private static IEnumerable<(int, string, byte[])> CryptoStructs()
    {
        int[] sizes =
        [
            KmGenerateMessage.Size, KmImportMessage.Size, KmDeriveMessage.Size, KmWrapMessage.Size, KmUnwrapMessage.Size,
            KmClearMessage.Size, KmExportEcdhIpMessage.Size, HcsPrngMessage.Size, HcsDigestMessage.Size, HcsAesEncryptMessage.Size,
            HcsAesDecryptMessage.Size, HcsEccPublicKeyMessage.Size, HcsEccSignMessage.Size, HcsEccVerifyMessage.Size,
            HcsEcdhSharedSecretMessage.Size, TmeKdfSpec.Size,
        ];
        for (int i = 0; i < sizes.Length; i++)
        {
            yield return (i, $"struct-{i:D2}-zero", new byte[sizes[i]]);
            yield return (i, $"struct-{i:D2}-pattern", Enumerable.Range(0, sizes[i]).Select(b => (byte)(b * 7)).ToArray());
        }
    }

    private static IEnumerable<(string, byte[])> QmpLinkScripts()
    {
        // Descriptor bits (qmp-rfc.md §4): link 0, link_ack 1, ch 2, ch_ack 3, tx 4, tx_ack 5, rx_done 6, rx_done_ack 7;
        // frag_size bits 16..23, rem_frag_count bits 24..31.
        static byte[] Step(byte control, uint descriptor, ReadOnlySpan<byte> payload = default, uint reserved = 0)
        {
            byte[] step = new byte[ScriptedPeerMailbox.StepSize];
            step[0] = control;
            BinaryPrimitives.WriteUInt32LittleEndian(step.AsSpan(1), descriptor);
            payload.CopyTo(step.AsSpan(5));
            BinaryPrimitives.WriteUInt32LittleEndian(step.AsSpan(29), reserved);
            return step;
        }

        const uint Up = 0b0000_0011;
        const uint Open = 0b0000_1111;
        byte[] hello = Encoding.ASCII.GetBytes("hello, TME-L 24 bytes!!!");
        byte[] handshake = [.. Step(0, 1), .. Step(0, Up), .. Step(0, Up | 0b0100), .. Step(0, Open)];
        uint frag = Open | 0x10 | (24u << 16);
        yield return ("remote-handshake-one-fragment", [1, .. handshake, .. Step(0, frag, hello, 0x0400_0035), .. Step(0, frag | 0x80)]);
        yield return ("local-handshake-one-fragment", [0, .. handshake, .. Step(0, frag, hello, 0x0400_0035), .. Step(0, frag | 0x80)]);
        yield return ("remote-three-fragments", [1, .. handshake,
            .. Step(0, Open | 0x10 | (24u << 16) | (2u << 24), hello, 0x0400_0035),
            .. Step(0, Open | (24u << 16) | (1u << 24), hello, 0xFFFF_FFFF),
            .. Step(0, Open | 0x10 | (5u << 16), hello, 0xFFFF_FFFF)]);
        yield return ("local-send-then-peer-acks", [0, .. handshake, .. Step(0x40 | 1, Open), .. Step(0, Open | 0x20), .. Step(0, Open | 0x20 | 0x40)]);
        yield return ("remote-timeouts", [1, .. Step(0x80 | 30, 1), .. Step(0, Up), .. Step(0x80 | 63, Up | 0b0100), .. Step(0x40 | 63, Open), .. Step(0x80 | 63, Open)]);
        yield return ("remote-link-reset-mid-message", [1, .. handshake, .. Step(0, Open | 0x10 | (24u << 16) | (3u << 24), hello, 0x0400_0035), .. Step(0, 0), .. handshake]);
    }

    private static IEnumerable<(string, byte[])> SimulatorRequests(byte[] oemPkHash, byte[] signed)
    {
        // Image authentication: the SEC_AUTH struct at the buffer's start, a one-entry region list, the elf_buf
        // metadata, and the carve-out the region names (relocate 1), as ImageAuthDriver lays them out.
        TsimImage image = TsimImage.Parse(signed);
        byte[] load = image.CreateLoadImage();
        const int listOffset = 64, metadataOffset = 128;
        int loadOffset = (metadataOffset + image.Metadata.Length + 4095) & ~4095;
        byte[] memory = new byte[loadOffset + load.Length];
        SecAuthRegionList.Encode([new SecAuthRegion(Bus + (uint)loadOffset, (uint)load.Length)], memory.AsSpan(listOffset));
        image.Metadata.Span.CopyTo(memory.AsSpan(metadataOffset));
        load.CopyTo(memory.AsSpan(loadOffset));
        var request = new SecAuthRequest(TsimImageTarget.SwId, new TmelcomBuffer(Bus + metadataOffset, (uint)image.Metadata.Length), new TmelcomBuffer(Bus + listOffset, 8), 1);
        byte[] v1 = (byte[])memory.Clone();
        SecAuthRequest.Encode(request, v1);
        byte[] tearDown = Packet(TmelcomPacket.CreateInline(TmelcomUid.TearDown, Encoded(12, d => TearDownRequest.Encode(new TearDownRequest(TsimImageTarget.SwId), d))));
        byte[] secAuth = Packet(TmelcomPacket.CreateSram(TmelcomUid.SecAuth, Bus, SecAuthRequest.MessageSize));
        if (memory.Length <= ushort.MaxValue)
        {
            yield return ("image-auth-sec-auth-then-tear-down", SimulatorServicesTarget.Compose(0, oemPkHash, v1, secAuth, secAuth, tearDown, tearDown));
            byte[] v2 = (byte[])memory.Clone();
            SecAuthV2Message.Encode(new SecAuthV2Message(request, 1, new TmelcomBuffer(0, 0), default, 0), v2);
            yield return ("image-auth-sec-auth-v2", SimulatorServicesTarget.Compose(4, oemPkHash, v2, Packet(TmelcomPacket.CreateSram(TmelcomUid.SecAuthV2, Bus, SecAuthV2Message.MessageSize)), tearDown));
        }

        // Attestation: INIT_ATTESTATION, then DEVICE_ATTESTATION with a 32-byte nonce request blob.
        byte[] att = new byte[4096];
        QwesInitAttestationMessage.Encode(QwesInitAttestationMessage.CreateRequest(new TmelcomBuffer(Bus + 256, 2048)), att);
        byte[] blob = AttestationRequestFormat.Encode(new byte[32]);
        QwesDeviceAttestationMessage.Encode(QwesDeviceAttestationMessage.CreateRequest(new TmelcomBuffer(Bus + 64, (uint)blob.Length), new TmelcomBuffer(0, 0), new TmelcomBuffer(Bus + 2304, 1024)), att.AsSpan(16));
        blob.CopyTo(att, 64);
        yield return ("attestation-init-then-device", SimulatorServicesTarget.Compose(1, oemPkHash, att,
            Packet(TmelcomPacket.CreateSram(TmelcomUid.QwesInitAttestation, Bus, QwesInitAttestationMessage.MessageSize)),
            Packet(TmelcomPacket.CreateSram(TmelcomUid.QwesDeviceAttestation, Bus + 16, QwesDeviceAttestationMessage.MessageSize))));

        // Device: loopback inline, GET_STATE, ARB version, FUSE_READ of two rows, ARB commit.
        byte[] dev = new byte[1024];
        GetStateMessage.Encode(GetStateMessage.CreateRequest(new TmelcomBuffer(Bus + 512, 128)), dev);
        FuseReadMessage.Encode(FuseReadMessage.CreateRequest(new TmelcomBuffer(Bus + 64, 24)), dev.AsSpan(32));
        FuseEntry.EncodeList([new FuseEntry(0xA00F8, 0, 0), new FuseEntry(0xA0400, 0, 0)], dev.AsSpan(64));
        ArbCommitMessage.Encode(new ArbCommitMessage(new TmelcomBuffer(Bus + 128, 4), 0), dev.AsSpan(96));
        BinaryPrimitives.WriteUInt32LittleEndian(dev.AsSpan(128), TsimImageTarget.SwId);
        yield return ("device-all", SimulatorServicesTarget.Compose(2, oemPkHash, dev,
            Packet(TmelcomPacket.CreateInline(TmelcomUid.LoopbackTest, Encoded(12, d => LoopbackMessage.Encode(new LoopbackMessage(2, 3, 0), d)))),
            Packet(TmelcomPacket.CreateSram(TmelcomUid.GetState, Bus, GetStateMessage.MessageSize)),
            Packet(TmelcomPacket.CreateInline(TmelcomUid.GetArbVersion, Encoded(12, d => ArbVersionMessage.Encode(ArbVersionMessage.CreateRequest(TsimImageTarget.SwId), d)))),
            Packet(TmelcomPacket.CreateSram(TmelcomUid.FuseReadMultipleRow, Bus + 32, FuseReadMessage.MessageSize)),
            Packet(TmelcomPacket.CreateSram(TmelcomUid.UpdateArbVersionSwIdList, Bus + 96, ArbCommitMessage.MessageSize))));

        // Crypto: each KM/HCS request on a zeroed struct, one seed per request (the service reads the struct at Bus).
        (ushort Uid, int Size)[] crypto =
        [
            (TmelcomUid.KmGenerate, KmGenerateMessage.Size), (TmelcomUid.KmImport, KmImportMessage.Size), (TmelcomUid.KmDerive, KmDeriveMessage.Size),
            (TmelcomUid.KmWrap, KmWrapMessage.Size), (TmelcomUid.KmUnwrap, KmUnwrapMessage.Size), (TmelcomUid.KmClear, KmClearMessage.Size),
            (TmelcomUid.KmExportEcdhIpKey, KmExportEcdhIpMessage.Size), (TmelcomUid.HcsPrngGet, HcsPrngMessage.Size),
            (TmelcomUid.HcsShaDigest, HcsDigestMessage.Size), (TmelcomUid.HcsHmacDigest, HcsDigestMessage.Size),
            (TmelcomUid.HcsAesEncrypt, HcsAesEncryptMessage.Size), (TmelcomUid.HcsAesDecrypt, HcsAesDecryptMessage.Size),
            (TmelcomUid.HcsEccGetPublicKey, HcsEccPublicKeyMessage.Size), (TmelcomUid.HcsEcdhGetPublicKey, HcsEccPublicKeyMessage.Size),
            (TmelcomUid.HcsEccSignDigest, HcsEccSignMessage.Size), (TmelcomUid.HcsEccSignMessage, HcsEccSignMessage.Size),
            (TmelcomUid.HcsEccVerifyDigest, HcsEccVerifyMessage.Size), (TmelcomUid.HcsEccVerifyMessage, HcsEccVerifyMessage.Size),
            (TmelcomUid.HcsEcdhSharedSecret, HcsEcdhSharedSecretMessage.Size),
        ];
        foreach ((ushort uid, int size) in crypto)
        {
            byte[] mem = new byte[Math.Max(size, 512)];
            BinaryPrimitives.WriteUInt32LittleEndian(mem, TmeCryptoIds.KeyIdAllocate);
            yield return ($"crypto-{uid:X4}", SimulatorServicesTarget.Compose(3, oemPkHash, mem, Packet(TmelcomPacket.CreateSram(uid, Bus, (uint)size))));
        }
    }

    private static IEnumerable<(string, byte[])> Tokens()
    {
        using var identity = AttestationIdentity.Create(TimeProvider.System);
        byte[] nonce = Enumerable.Range(0, 48).Select(i => (byte)i).ToArray();
        yield return ("token-nonce-48", AttestationTokenTarget.Compose(identity.SubjectPublicKeyInfo, nonce, Token(identity, nonce)));
        byte[] nonce32 = new byte[32];
        yield return ("token-nonce-32", AttestationTokenTarget.Compose(identity.SubjectPublicKeyInfo, nonce32, Token(identity, nonce32)));
    }

    private static IEnumerable<(string, byte[])> Layouts()
    {
        // As QmpProcessLayout.Write lays it out for a two-subsystem simulator (docs/attach-a-peer.md).
        var layout = new QmpProcessLayout
        {
            SimulatorPid = 4242,
            Subsystems =
            [
                new QmpProcessSubsystemLayout { Name = "apps", Window = "apps.window", Sram = "apps.sram", SramSize = 65536, SramBusAddress = 0x8600_0000, TmelSocket = "apps.tmel.sock", ClientSocket = "apps.client.sock", ClientLock = "apps.client.lock" },
                new QmpProcessSubsystemLayout { Name = "modem", Window = "modem.window", Sram = "modem.sram", SramSize = 65536, SramBusAddress = 0x8700_0000, TmelSocket = "modem.tmel.sock", ClientSocket = "modem.client.sock", ClientLock = "modem.client.lock" },
            ],
        };
        yield return ("layout-two-subsystems.json", JsonSerializer.SerializeToUtf8Bytes(layout, s_indented));
        yield return ("layout-one-subsystem.json", JsonSerializer.SerializeToUtf8Bytes(layout with { Subsystems = [layout.Subsystems[0]] }, s_compact));
    }
}
