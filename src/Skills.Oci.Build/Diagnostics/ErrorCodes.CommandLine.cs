namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of the <c>skills-oci</c> command line (band 6xxx): what only a command line can get wrong.</summary>
public static partial class ErrorCodes
{
    /// <summary><c>login</c> has no user name or password: none given, and no terminal to ask on.</summary>
    public const string LoginCredentialsMissing = "SKOCI6100";

    /// <summary><c>login</c> was given the password on the command line, where other users and shell history can read it.</summary>
    public const string PasswordOnCommandLine = "SKOCI6101";
}
