namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of <c>skills-oci register</c> and <c>RegisterSkillHooks</c>: agents' session-start hooks (band 6060-6079).</summary>
public static partial class ErrorCodes
{
    /// <summary>An agent's settings file (or the tool manifest) is not valid JSON; it was left untouched.</summary>
    public const string HookFileInvalidJson = "SKOCI6060";

    /// <summary>An agent's settings file holds a value of another shape where the hook goes (e.g. <c>hooks</c> is not an object); it was left untouched.</summary>
    public const string HookFileUnexpectedShape = "SKOCI6061";

    /// <summary>An agent's settings file holds comments, which rewriting it would lose; it was left untouched.</summary>
    public const string HookFileHasComments = "SKOCI6062";

    /// <summary><c>SkillsHookAgents</c> (or <c>--agent</c>) names an agent Skills.Oci has no session-start hook for.</summary>
    public const string UnknownHookAgent = "SKOCI6063";

    /// <summary>Warning: no agent was named and none was found at the skills root, so no hook was registered.</summary>
    public const string NoHookAgentFound = "SKOCI6064";
}
