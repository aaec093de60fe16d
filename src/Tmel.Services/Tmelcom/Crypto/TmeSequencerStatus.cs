namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The five <c>seq_status</c> words that end every KM and HCS struct, after <c>status</c> (tmelcom-services.md §2.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     tme_error_status      TME firmware's own response status
///  4       4     seq_error_status      sequencer CSR_CMD_ERROR_STATUS
///  8       4     seq_kp_error_status0  key-policy error status 0
///  12      4     seq_kp_error_status1  key-policy error status 1
///  16      4     seq_rsp_status        sequencer CSR_CMD_RESPONSE_STATUS (debug only)
///  total   20
/// </code>
/// </remarks>
/// <param name="TmeErrorStatus">TME firmware's own response status (<c>tme_error_status</c>); Linux KM_EXPORT_ECDH_IP fails when it is non-zero.</param>
/// <param name="SequencerErrorStatus">The sequencer's error status (<c>seq_error_status</c>).</param>
/// <param name="KeyPolicyErrorStatus0">The crypto engine's key-policy error status 0.</param>
/// <param name="KeyPolicyErrorStatus1">The crypto engine's key-policy error status 1.</param>
/// <param name="SequencerResponseStatus">The sequencer's response status (<c>seq_rsp_status</c>).</param>
public readonly record struct TmeSequencerStatus(
    uint TmeErrorStatus,
    uint SequencerErrorStatus,
    uint KeyPolicyErrorStatus0,
    uint KeyPolicyErrorStatus1,
    uint SequencerResponseStatus)
{
    /// <summary>The five words' size in bytes.</summary>
    public const int Size = 20;
}
