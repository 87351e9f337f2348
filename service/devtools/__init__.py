"""Developer tools: regenerating the sample letters and replaying the sample chains."""
