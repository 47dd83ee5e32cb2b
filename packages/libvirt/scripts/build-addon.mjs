// Placeholder: replaced by the real addon build.
