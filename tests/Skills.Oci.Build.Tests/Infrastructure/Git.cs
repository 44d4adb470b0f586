namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>The real git, for tests that need a repository (a clone, a commit SourceLink reads).</summary>
public static class Git
{
    /// <summary>Runs git in <paramref name="folder"/>; a failure throws, except for commands whose exit code is an answer (<c>check-ignore</c>).</summary>
    public static async Task<ProcessResult> RunAsync(string folder, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("git", arguments, folder);
        if (arguments[0] != "check-ignore" && !result.Succeeded)
        {
            throw new InvalidOperationException(result.ToString());
        }

        return result;
    }

    /// <summary>A repository holding everything in <paramref name="folder"/> as one commit; returns the commit.</summary>
    public static async Task<string> CommitAllAsync(string folder)
    {
        await RunAsync(folder, "init", "-q", "-b", "main");
        await RunAsync(folder, "add", "-A");
        await RunAsync(folder, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "test");
        return (await RunAsync(folder, "rev-parse", "HEAD")).Output.Trim();
    }
}
