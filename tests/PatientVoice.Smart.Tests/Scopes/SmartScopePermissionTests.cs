using PatientVoice.Smart.Scopes;

namespace PatientVoice.Smart.Tests.Scopes;

public sealed class SmartScopePermissionTests
{
    private const SmartScopeContext P = SmartScopeContext.Patient;
    private const SmartScopeContext U = SmartScopeContext.User;
    private const SmartScopeContext Sys = SmartScopeContext.System;

    // (granted scopes, context asked, type, letters asked, permitted)
    public static TheoryData<string, SmartScopeContext, string, string, bool> Decisions => new()
    {
        { "patient/Goal.rs", P, "Goal", "r", true },
        { "patient/Goal.rs", P, "Goal", "s", true },
        { "patient/Goal.rs", P, "Goal", "c", false },
        { "patient/Goal.rs", P, "Goal", "u", false },
        { "patient/Goal.rs", P, "Goal", "d", false },
        { "patient/Goal.rs", P, "Observation", "r", false },
        { "patient/Goal.rs", U, "Goal", "r", false },
        { "patient/Goal.rs", Sys, "Goal", "r", false },
        { "patient/Goal.cruds", P, "Goal", "c", true },
        { "patient/Goal.cruds", P, "Goal", "d", true },
        { "patient/Goal.cruds", P, "Goal", "us", true },
        { "patient/*.rs", P, "Observation", "r", true },
        { "patient/*.rs", P, "QuestionnaireResponse", "s", true },
        { "patient/*.rs", P, "QuestionnaireResponse", "c", false },
        { "patient/*.read", P, "Goal", "rs", true },
        { "patient/*.read", P, "Goal", "u", false },
        { "patient/*.write", P, "Goal", "c", true },
        { "patient/*.write", P, "Goal", "u", true },
        { "patient/*.write", P, "Goal", "d", true },
        { "patient/*.write", P, "Goal", "r", false },
        { "patient/*.write", P, "Goal", "s", false },
        { "patient/*.*", P, "Goal", "cruds", true },
        { "user/*.rs", U, "Goal", "r", true },
        { "user/*.rs", P, "Goal", "r", false },
        { "user/Goal.c user/Goal.s", U, "Goal", "cs", true },
        { "user/Goal.c patient/Goal.s", U, "Goal", "cs", false },
        { "user/Goal.u", U, "Goal", "us", false },
        { "system/*.cruds", Sys, "AuditEvent", "s", true },
        { "system/Goal.rs", Sys, "Goal", "r", true },
        { "system/Goal.rs", Sys, "Observation", "r", false },
        { "system/Goal.rs?patient=Patient/1", Sys, "Goal", "r", false },
        { "openid fhirUser launch", P, "Goal", "r", false },
        { "", Sys, "Goal", "r", false },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void Scopes_permit_exactly_the_interactions_their_letters_name(string granted, SmartScopeContext context, string type, string letters, bool permitted)
    {
        var scopes = SmartScopeParser.Parse(granted);
        Assert.Equal(permitted, scopes.PermitsAll(context, type, ToInteractions(letters)));
    }

    [Fact]
    public void The_contexts_permitting_an_interaction_come_broadest_first()
    {
        var scopes = SmartScopeParser.Parse("patient/Goal.rs user/Goal.r system/*.r");

        Assert.Equal([Sys, U, P], scopes.ContextsPermitting("Goal", SmartInteractions.Read));
        Assert.Equal([P], scopes.ContextsPermitting("Goal", SmartInteractions.Search));
        Assert.Empty(scopes.ContextsPermitting("Goal", SmartInteractions.Create));
    }

    [Fact]
    public void Asking_for_no_letter_is_never_permitted()
        => Assert.False(SmartScopeParser.Parse("system/*.cruds").PermitsAll(Sys, "Goal", SmartInteractions.None));

    private static SmartInteractions ToInteractions(string letters)
        => letters.Aggregate(SmartInteractions.None, (all, letter) => all | letter switch
        {
            'c' => SmartInteractions.Create,
            'r' => SmartInteractions.Read,
            'u' => SmartInteractions.Update,
            'd' => SmartInteractions.Delete,
            's' => SmartInteractions.Search,
            _ => throw new ArgumentOutOfRangeException(nameof(letters)),
        });
}
