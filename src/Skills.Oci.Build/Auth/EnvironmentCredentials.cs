using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Auth;

/// <summary>
/// Credentials from environment variables, meant for CI. Operation-specific variables win over the
/// generic pair. <c>SKILLS_OCI_CREDENTIALS_REGISTRIES</c> (comma or semicolon separated) limits the
/// registries they are sent to; without it they are offered to every registry that challenges.
/// </summary>
public static class EnvironmentCredentials
{
    public const string Username = "SKILLS_OCI_REGISTRY_USERNAME";
    public const string Password = "SKILLS_OCI_REGISTRY_PASSWORD";
    public const string PushUsername = "SKILLS_OCI_PUSH_REGISTRY_USERNAME";
    public const string PushPassword = "SKILLS_OCI_PUSH_REGISTRY_PASSWORD";
    public const string PullUsername = "SKILLS_OCI_PULL_REGISTRY_USERNAME";
    public const string PullPassword = "SKILLS_OCI_PULL_REGISTRY_PASSWORD";
    public const string Registries = "SKILLS_OCI_CREDENTIALS_REGISTRIES";

    public static RegistryCredential? Find(string registry, RegistryOperation operation, Func<string, string?> environment)
    {
        var scope = environment(Registries);
        if (!string.IsNullOrWhiteSpace(scope) && !RegistryNames.ListContains(scope, registry))
        {
            return null;
        }

        var (user, password) = operation == RegistryOperation.Push ? (PushUsername, PushPassword) : (PullUsername, PullPassword);
        return FromPair(environment, user, password) ?? FromPair(environment, Username, Password);
    }

    private static RegistryCredential? FromPair(Func<string, string?> environment, string userVariable, string passwordVariable)
    {
        var user = environment(userVariable);
        var password = environment(passwordVariable);
        if (string.IsNullOrEmpty(user) || password is null)
        {
            return null;
        }

        return RegistryCredential.FromPassword($"the environment variables {userVariable} and {passwordVariable}", user, password);
    }
}
