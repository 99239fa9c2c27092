using FnPipeline.Cli.Commands;

return await CliApp.RunAsync(args).ConfigureAwait(false);
