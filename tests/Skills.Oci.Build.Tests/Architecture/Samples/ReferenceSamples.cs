namespace Skills.Oci.Build.Tests.Architecture.Samples;

// Types that name Target in exactly one way each, for LayeringCheckerTests: the reader must find
// references that no signature shows.
#pragma warning disable CA1812, CA1822, CA1823, CA1031, CA1064, CA1032, IDE0051, IDE0059

internal sealed class Target : Exception
{
}

[AttributeUsage(AttributeTargets.Class)]
internal sealed class TargetAttribute : Attribute
{
}

[Target]
internal sealed class NamesInAttribute
{
}

internal sealed class NamesNothing
{
    public int Value() => 42;
}

internal sealed class NamesInBody
{
    public object Create() => new Target();
}

internal sealed class NamesInTypeTest
{
    public bool IsTarget(object value) => value is Target;
}

internal sealed class NamesInGenericArgument
{
    private readonly List<Target> _targets = [];

    public int Count() => _targets.Count;
}

internal sealed class NamesInLambda
{
    public Func<object> Factory() => () => new Target();
}

internal sealed class NamesInCatch
{
    public bool Run(Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (Target)
        {
            return false;
        }
    }
}
#pragma warning restore CA1812, CA1822, CA1823, CA1031, CA1064, CA1032, IDE0051, IDE0059
