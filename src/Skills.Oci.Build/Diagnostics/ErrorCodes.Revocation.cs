namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of deny lists, the revocation of published skills (SKOCI5200-5219); each has a page in docs/errors/.</summary>
public static partial class ErrorCodes
{
    /// <summary>A deny list (the artifact, or the file given to <c>skills-oci denylist push</c>) is not a valid list.</summary>
    public const string DenyListInvalid = "SKOCI5200";

    /// <summary>A skill to install, or already installed, is on a deny list.</summary>
    public const string SkillDenied = "SKOCI5201";

    /// <summary>A deny list does not satisfy the trust policy that covers its repository.</summary>
    public const string DenyListUntrusted = "SKOCI5202";

    /// <summary>The registry of a deny list could not be reached: the cached copy was used (a warning naming its age).</summary>
    public const string DenyListCachedCopyUsed = "SKOCI5203";

    /// <summary>A deny list could be neither fetched nor read from the cache, so nothing can be checked against it.</summary>
    public const string DenyListUnavailable = "SKOCI5204";

    /// <summary>SkillsRemoveDenied removed a denied skill from the skills root (a warning naming the reason).</summary>
    public const string DeniedSkillRemoved = "SKOCI5205";

    /// <summary>A <c>SkillDenyList</c> item does not name a registry/repository:tag (or @digest) reference.</summary>
    public const string DenyListReferenceInvalid = "SKOCI5206";
}
