namespace Microsoft.Extensions.DependencyInjection;

internal sealed class TmelRpmsgBuilder(IServiceCollection services) : ITmelRpmsgBuilder
{
    public IServiceCollection Services { get; } = services;
}
