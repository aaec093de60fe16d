namespace Rpmsg.Core;

/// <summary>Temporary.</summary>
public static class Probe
{
}
