namespace Skills.Oci.Tool.Cli;

/// <summary>MSBuild's verbosity levels, with MSBuild's meaning: quiet shows errors, minimal adds warnings and changes.</summary>
public enum Verbosity
{
    Quiet,
    Minimal,
    Normal,
    Detailed,
}

/// <summary>How a command prints data it returns (<c>--format</c>).</summary>
public enum OutputFormat
{
    Text,
    Json,
}
