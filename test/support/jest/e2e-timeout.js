// jest 29 ignores testTimeout inside a project's config, so each project sets its own here.
jest.setTimeout(180_000);
