namespace Tmel.Cli.Hosting;

/// <summary>A configuration section the tmel host binds (<c>Tmel:Qmp</c>) and the options type bound from it.</summary>
/// <param name="Path">The section's configuration path.</param>
/// <param name="OptionsType">The options type; its public settable properties are the section's keys.</param>
/// <param name="Read">Reads the bound options from the host's services, which runs their validators.</param>
internal sealed record TmelSettingsSection(string Path, Type OptionsType, Func<IServiceProvider, object> Read);
