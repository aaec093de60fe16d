using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rpmsg.Core;
using Tmel.Services.Crypto;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the crypto driver (KM and HCS) with the rpmsg host.</summary>
public static class CryptoServicesBuilderExtensions
{
    /// <summary>The configuration section the tmel host binds <see cref="CryptoClientOptions"/> from.</summary>
    public const string CryptoConfigurationSection = "Tmel:Crypto";

    /// <summary>Adds the <see cref="CryptoDriver"/>, bound when TME-L announces <c>tmel-crypto</c>.</summary>
    /// <param name="builder">The rpmsg builder.</param>
    /// <param name="configure">Configures the client options.</param>
    /// <returns>The builder.</returns>
    public static ITmelRpmsgBuilder AddCrypto(this ITmelRpmsgBuilder builder, Action<CryptoClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CryptoClientOptions>();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton(sp => new CryptoDriver(
            sp.GetService<IRpmsgSharedMemory>() ?? throw new InvalidOperationException("Crypto needs the transport's shared memory: add UseQmp()."),
            sp.GetRequiredService<IOptions<CryptoClientOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        return builder.AddDriver<CryptoDriver>();
    }
}
