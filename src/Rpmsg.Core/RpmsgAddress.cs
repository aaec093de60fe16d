using System.Globalization;

namespace Rpmsg.Core;

/// <summary>An rpmsg address: a 32-bit number that names an endpoint on one side of a link.</summary>
/// <remarks>
/// As in Linux and OpenAMP, addresses below <see cref="FirstDynamic"/> are reserved for fixed
/// assignment (the name service lives at <see cref="NameService"/>), dynamic addresses are handed out
/// from <see cref="FirstDynamic"/> upwards, and <see cref="Any"/> asks the bus to pick one.
/// A transport may address fewer than 2^32 endpoints; see <see cref="IRpmsgTransport.MaxAddress"/>.
/// </remarks>
/// <param name="Value">The numeric address.</param>
public readonly record struct RpmsgAddress(uint Value) : IComparable<RpmsgAddress>
{
    /// <summary><c>RPMSG_ADDR_ANY</c>: let the bus choose a dynamic address (0xFFFFFFFF).</summary>
    public static RpmsgAddress Any { get; } = new(uint.MaxValue);

    /// <summary>The name-service endpoint (53), as in Linux and OpenAMP.</summary>
    public static RpmsgAddress NameService { get; } = new(53);

    /// <summary>The first dynamically assigned address (1024); lower addresses are reserved for fixed use.</summary>
    public static RpmsgAddress FirstDynamic { get; } = new(1024);

    /// <summary>Gets a value indicating whether this is <see cref="Any"/>.</summary>
    public bool IsAny => Value == uint.MaxValue;

    /// <summary>Converts a number to an address.</summary>
    /// <param name="value">The numeric address.</param>
    public static implicit operator RpmsgAddress(uint value) => new(value);

    /// <summary>Converts an address to its number.</summary>
    /// <param name="address">The address.</param>
    public static explicit operator uint(RpmsgAddress address) => address.Value;

    /// <summary>Creates an address from a number (the named alternative to the implicit conversion).</summary>
    /// <param name="value">The numeric address.</param>
    /// <returns>The address.</returns>
    public static RpmsgAddress FromUInt32(uint value) => new(value);

    /// <summary>Returns the numeric address (the named alternative to the explicit conversion).</summary>
    /// <returns>The number.</returns>
    public uint ToUInt32() => Value;

    /// <inheritdoc/>
    public int CompareTo(RpmsgAddress other) => Value.CompareTo(other.Value);

    /// <summary>Compares two addresses.</summary>
    /// <param name="left">The first address.</param>
    /// <param name="right">The second address.</param>
    public static bool operator <(RpmsgAddress left, RpmsgAddress right) => left.Value < right.Value;

    /// <summary>Compares two addresses.</summary>
    /// <param name="left">The first address.</param>
    /// <param name="right">The second address.</param>
    public static bool operator >(RpmsgAddress left, RpmsgAddress right) => left.Value > right.Value;

    /// <summary>Compares two addresses.</summary>
    /// <param name="left">The first address.</param>
    /// <param name="right">The second address.</param>
    public static bool operator <=(RpmsgAddress left, RpmsgAddress right) => left.Value <= right.Value;

    /// <summary>Compares two addresses.</summary>
    /// <param name="left">The first address.</param>
    /// <param name="right">The second address.</param>
    public static bool operator >=(RpmsgAddress left, RpmsgAddress right) => left.Value >= right.Value;

    /// <summary>Returns the address in decimal, or <c>ANY</c>.</summary>
    /// <returns>The text form.</returns>
    public override string ToString() => IsAny ? "ANY" : Value.ToString(CultureInfo.InvariantCulture);
}
