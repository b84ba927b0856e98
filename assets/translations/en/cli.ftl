# English messages of the command line and of the layers below it (errors,
# configuration checks, jobs, the scheduler, monitoring). Every key here must exist
# in every other language (a test checks).
# { -product } is the brand's name, { -cli } its command-line program. Configuration
# keys, command-line flags and the text of other programs stay as they are.

## Errors (error.rs)
err-not-initialised = no repository at { $location }{ $hint }. Run `{ -cli } init` (with the same repository options) to create one.
err-io = { $doing } { $path }: { $cause }
err-engine = { $doing }: { $message }
