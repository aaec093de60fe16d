namespace Rpmsg.Core;

/// <summary>The flags word of a name-service announcement (Linux's <c>enum rpmsg_ns_flags</c>).</summary>
internal enum RpmsgNameServiceFlags : uint
{
    /// <summary>A new channel exists at the announced address.</summary>
    Create = 0,

    /// <summary>The channel at the announced address is gone.</summary>
    Destroy = 1,
}
