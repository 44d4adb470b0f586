namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>The registry did not come up; the message carries its stderr.</summary>
public sealed class RegistryStartException : Exception
{
    public RegistryStartException(string message)
        : base(message)
    {
    }

    public RegistryStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RegistryStartException()
    {
    }
}
