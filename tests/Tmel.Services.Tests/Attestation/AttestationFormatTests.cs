using Rpmsg.Core;
using Tmel.Services.Attestation;

namespace Tmel.Services.Tests.Attestation;

/// <summary>Golden bytes of the documented blobs (docs/attestation.md): the DEVICE_ATTESTATION request and INIT_ATTESTATION's output.</summary>
public class AttestationFormatTests
{
    [Fact]
    public void Request_Encode_IsTheMapOfTheNonce()
    {
        byte[] nonce = Enumerable.Repeat((byte)0xAA, 32).ToArray();
        Assert.Equal(
            "A1" +    // map(1)
            "0A" +    // 10 (eat_nonce)
            "5820" +  // bstr(32)
            new string('A', 64),
            Convert.ToHexString(AttestationRequestFormat.Encode(nonce)));
        Assert.Equal(nonce, AttestationRequestFormat.DecodeNonce(AttestationRequestFormat.Encode(nonce)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(65)]
    public void Request_Encode_OtherNonceSize_Throws(int length) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AttestationRequestFormat.Encode(new byte[length]));

    [Theory]
    [InlineData("A10A4100" + "00")]           // trailing byte
    [InlineData("A20A41000B4100")]            // second key
    [InlineData("A10B4100")]                  // key 11
    [InlineData("A10A6100")]                  // text nonce
    [InlineData("A10A58")]                    // cut short
    public void Request_DecodeNonce_NotTheMap_ThrowsProtocolException(string hex) =>
        Assert.Throws<RpmsgProtocolException>(() => AttestationRequestFormat.DecodeNonce(Convert.FromHexString(hex)));

    [Fact]
    public void PublicKey_Encode_KeyAlone_AndWithChain()
    {
        var key = new AttestationPublicKey([0x01, 0x02], [[0x0A], [0x0B, 0x0C]]);
        Assert.Equal("A1" + "01" + "420102", Convert.ToHexString(key.Encode(includeChain: false)));
        byte[] withChain = key.Encode(includeChain: true);
        Assert.Equal("A2" + "01" + "420102" + "02" + "82" + "410A" + "420B0C", Convert.ToHexString(withChain));
        AttestationPublicKey decoded = AttestationPublicKey.Decode(withChain);
        Assert.Equal([0x01, 0x02], decoded.SubjectPublicKeyInfo.ToArray());
        Assert.Equal([[0x0A], [0x0B, 0x0C]], decoded.Certificates.Select(c => c.ToArray()));
    }

    [Theory]
    [InlineData("A10242010A")]        // key 2 first
    [InlineData("A101420102" + "00")] // trailing byte
    [InlineData("80")]                // not a map
    public void PublicKey_Decode_NotTheMap_ThrowsProtocolException(string hex) =>
        Assert.Throws<RpmsgProtocolException>(() => AttestationPublicKey.Decode(Convert.FromHexString(hex)));
}
