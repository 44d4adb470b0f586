namespace Skills.Oci.Build.Auth;

/// <summary>
/// Credentials for one registry and where they came from. <see cref="Source"/> is safe to show;
/// the secret never appears in <see cref="ToString"/>, logs or exception messages.
/// </summary>
public sealed class RegistryCredential
{
    private RegistryCredential(string source, string? username, string? password, string? identityToken)
    {
        Source = source;
        Username = username;
        Password = password;
        IdentityToken = identityToken;
    }

    /// <summary>Where these credentials came from, for messages: never the secret.</summary>
    public string Source { get; }

    public string? Username { get; }

    public string? Password { get; }

    /// <summary>An OAuth2 refresh token (Docker's <c>identitytoken</c>, or a helper's <c>&lt;token&gt;</c> user).</summary>
    public string? IdentityToken { get; }

    public bool HasPassword => Username is not null && Password is not null;

    public static RegistryCredential FromPassword(string source, string username, string password) =>
        // Docker's convention: the user name "<token>" means the secret is an identity token.
        username == "<token>" ? new(source, null, null, password) : new(source, username, password, null);

    public static RegistryCredential FromIdentityToken(string source, string identityToken, string? username = null) =>
        new(source, username, null, identityToken);

    public override string ToString() => $"credentials from {Source}";
}

/// <summary>Whether credentials are wanted to read or to write.</summary>
public enum RegistryOperation
{
    Pull,
    Push,
}
