using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tmel.Services;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tests.ImageAuth.Images;
using Tmel.Services.Tmelcom;
using Tmel.Simulator.Tests.Support;

namespace Tmel.Simulator.Tests.ImageAuth;

/// <summary>
/// Layouts the signer never writes, signed again with the trusted identity's key, sent through the whole stack: SEC_AUTH
/// refuses each at its structural step with the same status and extended error as the offline verifier
/// (<see cref="TsimImageVerifier.VerifyFile"/>, which <c>tmel image verify</c> runs).
/// </summary>
public class ImageAuthHostileLayoutTests
{
    // The firmware signs to 5 phdrs: [0] PHDR, [1] HASH, [2] code, [3] rodata, [4] data.
    private const int Code = 2;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Layouts() => [.. s_layouts.Keys];

    private static readonly Dictionary<string, (Action<HostileLayout> Edit, TmelStatus Status, uint Error)> s_layouts = new()
    {
        ["e_type ET_REL"] = (h => h.WriteElfType(1), TmelStatus.BadParameter, 0x0101),
        ["p_align 0x3000"] = (h => h.WritePhdr(Code, PhdrField.Align, 0x3000), TmelStatus.BadParameter, 0x0103),
        ["a PT_LOAD with the hash flags"] = (h => h.WritePhdr(Code + 1, PhdrField.Flags, 0x0220_0000), TmelStatus.BadMessage, 0x0201),
        ["hash segment memsz 0"] = (h => h.WritePhdr(1, PhdrField.MemorySize, 0), TmelStatus.BadMessage, 0x0203),
        ["a serial-number byte"] = (h => h.WriteHashByte(HostileLayout.OemMetadataOffset + 72, 1), TmelStatus.BadMessage, 0x0204),
    };

    [Fact]
    public async Task AuthenticateAsync_ResignedWithoutAnEdit_Succeeds()
    {
        // The control: re-signing alone keeps the image valid, so the layouts below are refused for their edit only.
        await using StackRig rig = await StackRig.StartAsync(Ct);

        ImageAuthResult result = await rig.Client.AuthenticateAsync(TsimImage.Parse(Resign(_ => { }).File), Ct);

        Assert.Equal(TestImages.LinkAddress, result.FirstSegmentAddress);
        Assert.Single(rig.Simulator.Measurements);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task AuthenticateAsync_HostileLayoutWithAValidSignature_IsRefusedLikeImageVerify(string layout)
    {
        (Action<HostileLayout> edit, TmelStatus status, uint error) = s_layouts[layout];
        HostileLayout hostile = Resign(edit);
        TsimVerificationResult offline = TsimImageVerifier.VerifyFile(hostile.File, TestImages.SwId, TestImages.Fuses(), TestImages.Now);
        await using StackRig rig = await StackRig.StartAsync(Ct);

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.AuthenticateAsync(TsimImage.Parse(hostile.File), Ct));

        Assert.Equal((status, error), (ex.Status, ex.ExtendedError));
        Assert.Equal((offline.Status, offline.ExtendedError), (ex.Status, ex.ExtendedError));
        Assert.Equal(TmelStatusOrigin.ServiceStatus, ex.Origin);
        Assert.Empty(rig.Simulator.Measurements);
        Assert.Equal(rig.SharedMemory.Size, rig.SharedMemory.FreeBytes);
    }

    private static HostileLayout Resign(Action<HostileLayout> edit)
    {
        using ECDsa key = TestImages.Identity.Signer.GetECDsaPrivateKey()!;
        return HostileLayout.Create(TestImages.Sign(TestImages.FirmwareElf(TestImages.LinkAddress)), key, edit);
    }
}
