namespace PatientVoice.Sandbox.Tests;

/// <summary>
/// One sandbox shared by the authorization tests that do not disturb each other (each uses its own users and
/// patients), so the machine starts one sandbox for them rather than one per class.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedSandboxCollection : ICollectionFixture<SandboxFactory>
{
    public const string Name = "shared sandbox";
}
