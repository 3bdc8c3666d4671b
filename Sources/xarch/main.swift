import XArchCLI
await XArchCommand.runMain()
