using Microsoft.EntityFrameworkCore;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>OpenIddict's applications, authorizations, scopes and tokens, in the sandbox's own SQLite file.</summary>
public sealed class SandboxAuthorizationDbContext(DbContextOptions<SandboxAuthorizationDbContext> options) : DbContext(options);
