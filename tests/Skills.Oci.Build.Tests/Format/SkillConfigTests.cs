using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tests.Format;

/// <summary>The config blob: written canonically by packing, read tolerantly but safely by restore.</summary>
public sealed class SkillConfigTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void What_packing_writes_restore_reads_back()
    {
        var written = new SkillConfig
        {
            Name = SkillName.Parse("pdf"),
            Version = "1.2.0",
            Description = "Reads PDFs",
            License = "MIT",
            Compatibility = "python3",
            AllowedTools = ["Bash(git:*)", "Read"],
            Metadata = new Dictionary<string, string> { ["team"] = "docs", ["area"] = "files" },
        };

        var bytes = written.Write();
        var read = SkillConfig.Read(bytes, "test");

        Assert.Equal("{\"schemaVersion\":\"1\",\"name\":\"pdf\",\"version\":\"1.2.0\",\"description\":\"Reads PDFs\",\"license\":\"MIT\",\"compatibility\":\"python3\",\"allowedTools\":[\"Bash(git:*)\",\"Read\"],\"metadata\":{\"area\":\"files\",\"team\":\"docs\"}}", Encoding.UTF8.GetString(bytes));
        Assert.Equal(written.Name, read.Name);
        Assert.Equal(written.Version, read.Version);
        Assert.Equal(written.Description, read.Description);
        Assert.Equal(written.License, read.License);
        Assert.Equal(written.Compatibility, read.Compatibility);
        Assert.Equal(written.AllowedTools, read.AllowedTools);
        Assert.Equal(written.Metadata.OrderBy(p => p.Key), read.Metadata!.OrderBy(p => p.Key));
        Assert.Equal(bytes, read.Write());
    }

    [Fact]
    public void Unknown_fields_and_optional_fields_of_another_type_are_ignored()
    {
        var read = SkillConfig.Read("{\"schemaVersion\":\"1\",\"name\":\"pdf\",\"license\":5,\"metadata\":{\"a\":[1]},\"vendor\":{}}"u8, "test");

        Assert.Equal("pdf", read.Name.Value);
        Assert.Null(read.License);
        Assert.Null(read.Metadata);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"name\":\"pdf\"}")]
    [InlineData("{\"schemaVersion\":1,\"name\":\"pdf\"}")]
    [InlineData("{\"schemaVersion\":\"1\"}")]
    [InlineData("{\"schemaVersion\":\"1\",\"name\":\"../pdf\"}")]
    [InlineData("{\"schemaVersion\":\"1\",\"name\":\" pdf\"}")]
    public void A_config_that_is_not_a_skill_config_is_refused(string json)
    {
        var error = Assert.Throws<SkillsOciException>(() => SkillConfig.Read(Encoding.UTF8.GetBytes(json), "test"));

        Assert.Equal(ErrorCodes.InvalidSkillConfig, error.Code);
    }

    [Fact]
    public async Task A_name_with_consecutive_hyphens_is_refused_by_restore_as_packing_refuses_it()
    {
        const string Rule = "The skill name 'pdf--tools' must not contain consecutive hyphens";
        new SkillFixture("pdf--tools").WriteFolder(_temp.Combine("pdf--tools"));
        var packing = await SkillValidator.ValidateAsync(_temp.Combine("pdf--tools"), null, null, CancellationToken.None);

        var restore = Assert.Throws<SkillsOciException>(() => SkillConfig.Read("{\"schemaVersion\":\"1\",\"name\":\"pdf--tools\"}"u8, "test"));

        var packError = Assert.Single(packing.Diagnostics, d => d.Code == ErrorCodes.SkillNameInvalid);
        Assert.Contains(Rule, packError.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.InvalidSkillConfig, restore.Code);
        Assert.Contains(Rule, restore.Message, StringComparison.Ordinal);
    }
}
