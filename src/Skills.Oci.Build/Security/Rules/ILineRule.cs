namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// A rule over the lines of one text file. A new instance is made for every file (<see cref="ScanRules"/>),
/// so a rule may keep state across lines (an open HTML comment, a settings file's text).
/// <see cref="Line"/> runs for every line of every file, mostly in a process that scans once (a restore):
/// implementations are marked <see cref="System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization"/>
/// so that they run optimized from the first line rather than once the JIT's tiering catches up.
/// </summary>
internal interface ILineRule
{
    /// <param name="number">1-based.</param>
    /// <param name="text">The line without its terminator, valid only during the call: a rule that keeps it makes a string.</param>
    void Line(int number, ReadOnlySpan<char> text, FindingSink sink);

    void End(FindingSink sink);
}

/// <summary>The rules a text file gets, chosen by its name; each is small and knows one pattern.</summary>
internal static class ScanRules
{
    public static List<ILineRule> For(ScanFile file)
    {
        var rules = new List<ILineRule> { new InvisibleCharacterRule(), new DownloadAndRunRule(), new NetworkEndpointRule(), new ScriptRule(file) };
        if (file.IsMarkdown)
        {
            rules.Add(new HiddenCommentRule());
            rules.Add(new HiddenAltTextRule());
        }

        if (AgentConfigRule.Applies(file))
        {
            rules.Add(new AgentConfigRule(file));
        }

        return rules;
    }
}
