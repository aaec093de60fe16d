using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rpmsg.Core;
using Tmel.Services.Attestation;
using Tmel.Services.Device;
using Tmel.Services.Echo;
using Tmel.Services.ImageAuth;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the TME-L services' drivers to a hosted rpmsg stack.</summary>
public static class TmelServicesBuilderExtensions
{
    /// <summary>The configuration section the host binds <see cref="ImageAuthClientOptions"/> from.</summary>
    public const string ImageAuthConfigurationSection = "Tmel:ImageAuth";

    /// <summary>Adds the image-authentication driver; resolve <see cref="ImageAuthDriver"/> and await its client.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the client options; <see langword="null"/> for none.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Needs the transport's shared memory (<see cref="IRpmsgSharedMemory"/>), which <c>UseQmp()</c> registers.
    /// The options are validated at host start (their <c>[Range]</c>s), naming the setting.</remarks>
    public static ITmelRpmsgBuilder AddImageAuth(this ITmelRpmsgBuilder builder, Action<ImageAuthClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptionsWithValidateOnStart<ImageAuthClientOptions, ImageAuthClientOptionsValidator>();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton(sp => new ImageAuthDriver(
            sp.GetService<IRpmsgSharedMemory>() ?? throw new InvalidOperationException("Image authentication needs the transport's shared memory: add UseQmp()."),
            sp.GetRequiredService<IOptions<ImageAuthClientOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        return builder.AddDriver<ImageAuthDriver>();
    }

    /// <summary>Adds the attestation driver; resolve <see cref="AttestationDriver"/> and await its client.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Needs the transport's shared memory (<c>UseQmp()</c>). Its clients share <see cref="ImageAuthClientOptions"/> (response timeout, late-reply hold), validated at host start.</remarks>
    public static ITmelRpmsgBuilder AddAttestation(this ITmelRpmsgBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptionsWithValidateOnStart<ImageAuthClientOptions, ImageAuthClientOptionsValidator>();
        builder.Services.TryAddSingleton(sp => new AttestationDriver(
            sp.GetService<IRpmsgSharedMemory>() ?? throw new InvalidOperationException("Attestation needs the transport's shared memory: add UseQmp()."),
            sp.GetRequiredService<IOptions<ImageAuthClientOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        return builder.AddDriver<AttestationDriver>();
    }

    /// <summary>Adds the device-service driver (fuses, state, anti-rollback versions, loopback); resolve <see cref="DeviceDriver"/> and await its client.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Needs the transport's shared memory (<c>UseQmp()</c>). Its clients share <see cref="ImageAuthClientOptions"/>, validated at host start.</remarks>
    public static ITmelRpmsgBuilder AddDevice(this ITmelRpmsgBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptionsWithValidateOnStart<ImageAuthClientOptions, ImageAuthClientOptionsValidator>();
        builder.Services.TryAddSingleton(sp => new DeviceDriver(
            sp.GetService<IRpmsgSharedMemory>() ?? throw new InvalidOperationException("The device service needs the transport's shared memory: add UseQmp()."),
            sp.GetRequiredService<IOptions<ImageAuthClientOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        return builder.AddDriver<DeviceDriver>();
    }

    /// <summary>Adds the driver of the simulator's diagnostic echo service; resolve <see cref="EchoDriver"/> and await its client.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ITmelRpmsgBuilder AddEcho(this ITmelRpmsgBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddDriver<EchoDriver>();
    }
}
