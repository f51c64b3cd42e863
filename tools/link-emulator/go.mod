module corridor/tools/link-emulator

go 1.22
