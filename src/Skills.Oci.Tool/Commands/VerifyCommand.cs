namespace Skills.Oci.Tool.Commands;

/// <summary><c>skills-oci verify</c>: the VerifySkills target over the repository's projects; exit 1 on drift or a trust failure.</summary>
internal sealed class VerifyCommand() : ConsumeTargetCommand(
    "verify",
    "Re-verify the installed skills offline against skills.lock.json and the trust policies (as 'dotnet msbuild -t:VerifySkills'); every changed file is reported and fails the command.",
    "VerifySkills");
