using Skills.Oci.Tool.Cli;

return await ToolApp.RunAsync(args, ToolConsole.System).ConfigureAwait(false);
