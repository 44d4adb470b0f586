using System.Net;
using System.Text.RegularExpressions;

namespace Skills.Oci.Build.Oci;

/// <summary>
/// A reference to content in a registry, parsed with distribution's grammar
/// (<c>[registry/]repository[:tag][@digest]</c>). Docker Hub names are normalised: <c>docker.io</c>
/// stays the registry name, requests go to <c>registry-1.docker.io</c>, and a one-segment repository
/// gets <c>library/</c>. When both a tag and a digest are given, the digest identifies the content.
/// </summary>
public sealed partial class ImageReference : IEquatable<ImageReference>
{
    private const int MaxNameLength = 255;

    private ImageReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry as users name it (<c>docker.io</c>, <c>ghcr.io</c>, <c>localhost:5000</c>).</summary>
    public string Registry { get; }

    /// <summary>The repository, lower case, without tag or digest (<c>library/x</c> on Docker Hub).</summary>
    public string Repository { get; }

    public string? Tag { get; }

    public Digest? Digest { get; }

    /// <summary>The host (and port) requests go to: <c>registry-1.docker.io</c> for Docker Hub.</summary>
    public string RegistryHost => RegistryNames.HostOf(Registry);

    /// <summary>What to ask the registry for: the digest when there is one, else the tag.</summary>
    public string? ManifestReference => Digest?.ToString() ?? Tag;

    /// <summary>The repository with its registry and no tag or digest.</summary>
    public string RepositoryName => $"{Registry}/{Repository}";

    public static ImageReference Parse(string value) =>
        TryParse(value, out var reference, out var error) ? reference! : throw new ReferenceFormatException(value, error);

    public static bool TryParse(string? value, out ImageReference? reference, out string error)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "the reference is empty";
            return false;
        }

        if (value != value.Trim())
        {
            error = "the reference has leading or trailing white space";
            return false;
        }

        var rest = value;
        Digest? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            if (!Oci.Digest.TryParse(rest[(at + 1)..], out var parsed, out var digestError))
            {
                error = digestError;
                return false;
            }

            digest = parsed;
            rest = rest[..at];
        }

        // The first component is a registry when it looks like a host (has '.' or ':', is localhost,
        // or has upper case, which a repository cannot); otherwise the name is on Docker Hub.
        string registry;
        var slash = rest.IndexOf('/');
        if (slash > 0 && LooksLikeHost(rest[..slash]))
        {
            registry = rest[..slash];
            rest = rest[(slash + 1)..];
            if (!IsValidRegistry(registry))
            {
                error = $"'{registry}' is not a valid registry host";
                return false;
            }
        }
        else
        {
            registry = RegistryNames.DockerHub;
        }

        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon >= 0)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!Oci.Tag.TryParse(tag, out _, out error))
            {
                return false;
            }
        }

        if (rest.Length == 0)
        {
            error = "the repository name is empty";
            return false;
        }

        if (rest.Any(char.IsUpper))
        {
            error = $"repository name '{rest}' must be lower case";
            return false;
        }

        if (!RepositoryPattern().IsMatch(rest))
        {
            error = $"'{rest}' is not a valid repository name (lower-case letters and digits, separated by '.', '_', '__', '-' or '/')";
            return false;
        }

        registry = RegistryNames.CanonicalRegistry(registry);
        rest = RegistryNames.CanonicalRepository(registry, rest);

        if (registry.Length + 1 + rest.Length > MaxNameLength)
        {
            error = $"the name is longer than {MaxNameLength} characters";
            return false;
        }

        reference = new ImageReference(registry, rest, tag, digest);
        error = string.Empty;
        return true;
    }

    /// <summary>Builds a reference from parts that are already valid (a lock entry, a configured repository).</summary>
    public static ImageReference Create(string registry, string repository, string? tag = null, Digest? digest = null)
    {
        var text = $"{registry}/{repository}" + (tag is null ? string.Empty : ":" + tag) +
                   (digest is null ? string.Empty : "@" + digest);
        return Parse(text);
    }

    public ImageReference WithTag(string? tag) => tag is null ? new(Registry, Repository, null, Digest) : Create(Registry, Repository, tag, Digest);

    public ImageReference WithDigest(Digest? digest) => new(Registry, Repository, Tag, digest);

    public ImageReference WithRepository(string repository) => Create(Registry, repository, Tag, Digest);

    /// <summary>True when the host is loopback: localhost, 127.0.0.0/8 or ::1.</summary>
    public bool IsLoopback => IsLoopbackHost(RegistryHost);

    public static bool IsLoopbackHost(string hostAndPort)
    {
        var host = StripPort(hostAndPort);
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>The host without its port; IPv6 literals keep their brackets.</summary>
    public static string StripPort(string hostAndPort)
    {
        if (hostAndPort.StartsWith('['))
        {
            var close = hostAndPort.IndexOf(']');
            return close < 0 ? hostAndPort : hostAndPort[..(close + 1)];
        }

        var colon = hostAndPort.LastIndexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort[..colon];
    }

    public override string ToString() =>
        RepositoryName + (Tag is null ? string.Empty : ":" + Tag) + (Digest is null ? string.Empty : "@" + Digest);

    public bool Equals(ImageReference? other) => other is not null && ToString() == other.ToString();

    public override bool Equals(object? obj) => Equals(obj as ImageReference);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    private static bool LooksLikeHost(string component) =>
        component.Contains('.') || component.Contains(':') || component == "localhost" || component.StartsWith('[') ||
        component.Any(char.IsUpper);

    private static bool IsValidRegistry(string registry)
    {
        if (registry.StartsWith('['))
        {
            var close = registry.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(registry[1..close], out var address) ||
                address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }

            var after = registry[(close + 1)..];
            return after.Length == 0 || PortPattern().IsMatch(after);
        }

        return HostPattern().IsMatch(registry);
    }

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();

    [GeneratedRegex(@"^:[0-9]{1,5}$", RegexOptions.CultureInvariant)]
    private static partial Regex PortPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();
}

/// <summary>A reference that does not follow distribution's grammar.</summary>
public sealed class ReferenceFormatException(string reference, string reason)
    : FormatException($"'{reference}' is not a valid OCI reference: {reason}.")
{
    public string Reference { get; } = reference;

    public string Reason { get; } = reason;
}
