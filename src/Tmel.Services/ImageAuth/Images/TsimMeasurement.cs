namespace Tmel.Services.ImageAuth;

/// <summary>What a successful verification records for attestation (services.md §1.8).</summary>
/// <param name="SwId">The software id that was authenticated.</param>
/// <param name="Digest">SHA-384 of the signed bytes (hash-segment header ‖ common md ‖ OEM md ‖ hash table); it binds every segment.</param>
/// <param name="SignerId">SHA-384 of the leaf (signer) certificate's SubjectPublicKeyInfo DER.</param>
/// <param name="MeasurementRegisterTarget">The common metadata's <c>measurement_register_target</c> (0 = do not record).</param>
/// <param name="AntiRollbackVersion">The OEM metadata's anti-rollback version.</param>
public sealed record TsimMeasurement(uint SwId, byte[] Digest, byte[] SignerId, uint MeasurementRegisterTarget, uint AntiRollbackVersion);
