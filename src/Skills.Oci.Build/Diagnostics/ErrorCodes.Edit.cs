namespace Skills.Oci.Build.Diagnostics;

/// <summary>Band 6xxx, command line: <c>skills-oci push</c>, <c>add</c>, <c>remove</c> and skills.json.</summary>
public static partial class ErrorCodes
{
    /// <summary>The project file to edit is not well-formed XML, or cannot be read or written.</summary>
    public const string ProjectFileUnreadable = "SKOCI6020";

    /// <summary>No single project to edit: <c>--project</c> names nothing, or the folder holds several project files.</summary>
    public const string NoSingleProjectToEdit = "SKOCI6021";

    /// <summary>skills.json is not valid JSON or breaks the format's rules (entries need a unique name and a source).</summary>
    public const string SkillsManifestInvalid = "SKOCI6022";

    /// <summary><c>remove</c> names a skill the project or skills.json does not declare.</summary>
    public const string SkillNotDeclared = "SKOCI6023";

    /// <summary><c>push</c> needs <c>registry/repository:version</c>: the tag is the skill's version.</summary>
    public const string PushReferenceInvalid = "SKOCI6024";

    /// <summary><c>push --path</c> is not a skill folder without a project file.</summary>
    public const string PushFolderInvalid = "SKOCI6025";

    /// <summary><c>add</c> cannot tell which version to record: a tag and a different <c>--version</c>, or no version tag to choose.</summary>
    public const string AddVersionUnresolved = "SKOCI6026";

    /// <summary>The <c>dotnet</c> host that restores a project's skills could not be found or started.</summary>
    public const string DotnetHostNotFound = "SKOCI6027";

    /// <summary>A skills.json entry's name is not the name of the skill its source holds.</summary>
    public const string SkillsManifestNameMismatch = "SKOCI6028";
}
