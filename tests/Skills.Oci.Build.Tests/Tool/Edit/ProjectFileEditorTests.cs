using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Hosting;

namespace Skills.Oci.Build.Tests.Tool.Edit;

/// <summary>Editing SkillReference items splices text: every byte that is not the item stays as it was.</summary>
public sealed class ProjectFileEditorTests
{
    private const string Repo = "ghcr.io/acme/skills/pdf";

    private static bool IsPdf(string include) => include.StartsWith(Repo, StringComparison.Ordinal);

    private static ProjectFileEditor Edit(string text) => ProjectFileEditor.Parse(Encoding.UTF8.GetBytes(text), "/p/app.csproj");

    [Fact]
    public void A_project_without_skill_references_gets_a_new_item_group_before_the_end_tag_separated_by_a_blank_line()
    {
        const string original = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n";
        var editor = Edit(original);

        Assert.Equal(ProjectEdit.Added, editor.AddOrUpdate(Repo, "1.0.0", IsPdf));

        Assert.Equal(
            "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n\n  <ItemGroup>\n    <SkillReference Include=\"ghcr.io/acme/skills/pdf\" Version=\"1.0.0\" />\n  </ItemGroup>\n</Project>\n",
            editor.Text);
        Assert.Equal(1, editor.Remove(IsPdf));
        Assert.Equal(original, editor.Text);
    }

    [Fact]
    public void A_new_item_group_in_a_crlf_file_uses_crlf_and_goes_again_without_a_trace()
    {
        const string original = "<Project>\r\n\t<PropertyGroup>\r\n\t\t<A>1</A>\r\n\t</PropertyGroup>\r\n</Project>\r\n";
        var editor = Edit(original);

        editor.AddOrUpdate(Repo, "1.0.0", IsPdf);

        Assert.Equal("<Project>\r\n\t<PropertyGroup>\r\n\t\t<A>1</A>\r\n\t</PropertyGroup>\r\n\r\n\t<ItemGroup>\r\n\t\t<SkillReference Include=\"ghcr.io/acme/skills/pdf\" Version=\"1.0.0\" />\r\n\t</ItemGroup>\r\n</Project>\r\n", editor.Text);
        editor.Remove(IsPdf);
        Assert.Equal(original, editor.Text);
    }

    [Fact]
    public void Crlf_tabs_and_a_bom_are_kept_and_the_item_joins_the_group_that_has_skill_references()
    {
        const string original = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Project Sdk=\"Microsoft.NET.Sdk\">\r\n\t<ItemGroup>\r\n\t\t<PackageReference Include=\"A\" Version=\"1\" />\r\n\t</ItemGroup>\r\n\t<ItemGroup>\r\n\t\t<SkillReference Include=\"ghcr.io/acme/skills/review\" Version=\"2.0.0\" />\r\n\t</ItemGroup>\r\n</Project>";
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(original)).ToArray();
        var editor = ProjectFileEditor.Parse(bytes, "/p/app.csproj");

        Assert.Equal(ProjectEdit.Added, editor.AddOrUpdate(Repo, "1.2.0", IsPdf));

        var expected = original.Replace(
            "\t\t<SkillReference Include=\"ghcr.io/acme/skills/review\" Version=\"2.0.0\" />\r\n",
            "\t\t<SkillReference Include=\"ghcr.io/acme/skills/review\" Version=\"2.0.0\" />\r\n\t\t<SkillReference Include=\"ghcr.io/acme/skills/pdf\" Version=\"1.2.0\" />\r\n",
            StringComparison.Ordinal);
        Assert.Equal(expected, editor.Text);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, editor.ToBytes()[..3]);
        editor.Remove(IsPdf);
        Assert.Equal(bytes, editor.ToBytes());
    }

    [Fact]
    public void An_existing_reference_for_the_same_repository_is_updated_in_place_whatever_its_shape()
    {
        var attribute = Edit("<Project>\n  <ItemGroup>\n    <SkillReference Include=\"ghcr.io/acme/skills/pdf:1.0.0\"   Condition=\"'$(X)' == ''\" />\n  </ItemGroup>\n</Project>");
        var child = Edit("<Project>\n  <ItemGroup>\n    <SkillReference Include='ghcr.io/acme/skills/pdf'>\n      <Version>1.0.0</Version>\n    </SkillReference>\n  </ItemGroup>\n</Project>");
        var same = Edit("<Project>\n  <ItemGroup>\n    <SkillReference Include=\"ghcr.io/acme/skills/pdf\" Version=\"2.0.0\"/>\n  </ItemGroup>\n</Project>");

        Assert.Equal(ProjectEdit.Updated, attribute.AddOrUpdate(Repo, "2.0.0", IsPdf));
        Assert.Equal(ProjectEdit.Updated, child.AddOrUpdate(Repo, "2.0.0", IsPdf));
        Assert.Equal(ProjectEdit.Unchanged, same.AddOrUpdate(Repo, "2.0.0", IsPdf));

        Assert.Equal("<Project>\n  <ItemGroup>\n    <SkillReference Include=\"ghcr.io/acme/skills/pdf\" Version=\"2.0.0\"   Condition=\"'$(X)' == ''\" />\n  </ItemGroup>\n</Project>", attribute.Text);
        Assert.Equal("<Project>\n  <ItemGroup>\n    <SkillReference Include='ghcr.io/acme/skills/pdf'>\n      <Version>2.0.0</Version>\n    </SkillReference>\n  </ItemGroup>\n</Project>", child.Text);
        Assert.Single(same.SkillReferenceIncludes);
    }

    [Fact]
    public void Commented_out_references_are_neither_found_nor_touched()
    {
        const string original = "<Project>\n  <!-- <SkillReference Include=\"ghcr.io/acme/skills/pdf\" Version=\"0.1.0\" /> -->\n  <ItemGroup>\n    <!-- the review skill -->\n    <SkillReference Include=\"ghcr.io/acme/skills/review\" Version=\"1.0.0\" />\n  </ItemGroup>\n</Project>\n";
        var editor = Edit(original);

        Assert.Equal(0, editor.Remove(IsPdf));
        Assert.Equal(ProjectEdit.Added, editor.AddOrUpdate(Repo, "1.0.0", IsPdf));
        Assert.Contains("<!-- <SkillReference Include=\"ghcr.io/acme/skills/pdf\" Version=\"0.1.0\" /> -->", editor.Text, StringComparison.Ordinal);
        Assert.Contains("    <SkillReference Include=\"ghcr.io/acme/skills/review\" Version=\"1.0.0\" />\n    <SkillReference Include=\"ghcr.io/acme/skills/pdf\" Version=\"1.0.0\" />\n", editor.Text, StringComparison.Ordinal);

        // Removing the last reference keeps a group that still holds a comment.
        editor.Remove(IsPdf);
        editor.Remove(i => i.Contains("review", StringComparison.Ordinal));
        Assert.Equal("<Project>\n  <!-- <SkillReference Include=\"ghcr.io/acme/skills/pdf\" Version=\"0.1.0\" /> -->\n  <ItemGroup>\n    <!-- the review skill -->\n  </ItemGroup>\n</Project>\n", editor.Text);
    }

    [Fact]
    public void A_self_closing_project_is_opened_and_four_space_indentation_is_followed()
    {
        var empty = Edit("<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
        var fourSpaces = Edit("<Project>\n    <PropertyGroup>\n        <A>1</A>\n    </PropertyGroup>\n</Project>");

        empty.AddOrUpdate(Repo, "1.0.0", IsPdf);
        fourSpaces.AddOrUpdate(Repo, "1.0.0", IsPdf);

        Assert.Equal("<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <SkillReference Include=\"ghcr.io/acme/skills/pdf\" Version=\"1.0.0\" />\n  </ItemGroup>\n</Project>\n", empty.Text);
        Assert.Equal("<Project>\n    <PropertyGroup>\n        <A>1</A>\n    </PropertyGroup>\n\n    <ItemGroup>\n        <SkillReference Include=\"ghcr.io/acme/skills/pdf\" Version=\"1.0.0\" />\n    </ItemGroup>\n</Project>", fourSpaces.Text);
    }

    [Fact]
    public void Values_are_escaped_and_items_in_other_elements_are_ignored()
    {
        var editor = Edit("<Project>\n  <Target Name=\"T\">\n    <ItemGroup>\n      <SkillReference Include=\"ghcr.io/acme/skills/pdf\" />\n    </ItemGroup>\n  </Target>\n</Project>\n");

        Assert.Empty(editor.SkillReferenceIncludes);
        Assert.Equal(ProjectEdit.Added, editor.AddOrUpdate(Repo, "[1.0,2.0)&\"", IsPdf));
        Assert.Contains("Version=\"[1.0,2.0)&amp;&quot;\"", editor.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_xml_is_a_coded_error_with_its_line()
    {
        var error = Assert.Throws<SkillsOciException>(() => Edit("<Project>\n  <ItemGroup>\n</Project>\n"));

        Assert.Equal(ErrorCodes.ProjectFileUnreadable, error.Diagnostic.Code);
        Assert.Equal("/p/app.csproj", error.Diagnostic.File);
        Assert.Equal(3, error.Diagnostic.Line);
    }
}
