using PatientVoice.Smart.Scopes;

namespace PatientVoice.Smart.Tests.Scopes;

public sealed class SmartScopeParserTests
{
    private const SmartInteractions C = SmartInteractions.Create;
    private const SmartInteractions R = SmartInteractions.Read;
    private const SmartInteractions U = SmartInteractions.Update;
    private const SmartInteractions D = SmartInteractions.Delete;
    private const SmartInteractions S = SmartInteractions.Search;

    public static TheoryData<string, SmartScopeContext, string, SmartInteractions> ValidScopes => new()
    {
        // v2 letters
        { "patient/Goal.cruds", SmartScopeContext.Patient, "Goal", C | R | U | D | S },
        { "patient/Goal.rs", SmartScopeContext.Patient, "Goal", R | S },
        { "patient/Goal.r", SmartScopeContext.Patient, "Goal", R },
        { "patient/Goal.s", SmartScopeContext.Patient, "Goal", S },
        { "patient/Goal.c", SmartScopeContext.Patient, "Goal", C },
        { "patient/Goal.cu", SmartScopeContext.Patient, "Goal", C | U },
        { "patient/Goal.ud", SmartScopeContext.Patient, "Goal", U | D },
        { "user/*.rs", SmartScopeContext.User, "*", R | S },
        { "user/Observation.cruds", SmartScopeContext.User, "Observation", C | R | U | D | S },
        { "system/*.cruds", SmartScopeContext.System, "*", C | R | U | D | S },
        { "system/AuditEvent.rs", SmartScopeContext.System, "AuditEvent", R | S },
        { "system/QuestionnaireResponse.d", SmartScopeContext.System, "QuestionnaireResponse", D },
        // v1, mapped to v2 letters
        { "patient/Goal.read", SmartScopeContext.Patient, "Goal", R | S },
        { "patient/Goal.write", SmartScopeContext.Patient, "Goal", C | U | D },
        { "patient/Goal.*", SmartScopeContext.Patient, "Goal", C | R | U | D | S },
        { "user/*.read", SmartScopeContext.User, "*", R | S },
        { "user/*.*", SmartScopeContext.User, "*", C | R | U | D | S },
        { "system/*.write", SmartScopeContext.System, "*", C | U | D },
        { "system/Observation.read", SmartScopeContext.System, "Observation", R | S },
    };

    [Theory]
    [MemberData(nameof(ValidScopes))]
    public void A_resource_scope_parses_into_its_context_type_and_letters(string text, SmartScopeContext context, string type, SmartInteractions interactions)
    {
        var scope = SmartScopeParser.ParseResourceScope(text);

        Assert.NotNull(scope);
        Assert.Equal(context, scope.Context);
        Assert.Equal(type, scope.ResourceType);
        Assert.Equal(interactions, scope.Interactions);
        Assert.False(scope.IsQueryRestricted);
        Assert.Equal(text, scope.Text);
    }

    [Theory]
    [InlineData("patient/Goal.sr")] // letters out of order
    [InlineData("patient/Goal.rr")] // a letter twice
    [InlineData("patient/Goal.x")] // not a letter
    [InlineData("patient/Goal.crudsx")]
    [InlineData("patient/Goal.")] // no permission
    [InlineData("patient/Goal")]
    [InlineData("practitioner/Goal.rs")] // not a context
    [InlineData("Patient/Goal.rs")] // contexts are lower case
    [InlineData("patient/goal.rs")] // types start upper case
    [InlineData("patient/*.READ")]
    [InlineData("patient/Goal.read?category=x")] // v1 has no query form
    [InlineData("patient//Goal.rs")]
    [InlineData(" patient/Goal.rs")]
    [InlineData("patient/Goal.rs?")]
    [InlineData("")]
    public void A_malformed_scope_is_not_a_resource_scope(string text)
        => Assert.Null(SmartScopeParser.ParseResourceScope(text));

    [Fact]
    public void A_query_restricted_scope_is_recognised_and_refused()
    {
        var scopes = SmartScopeParser.Parse("system/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|survey");

        var scope = Assert.Single(scopes.ResourceScopes);
        Assert.True(scope.IsQueryRestricted);
        Assert.Equal("category=http://terminology.hl7.org/CodeSystem/observation-category|survey", scope.Query);
        Assert.Single(scopes.Refused);
        Assert.False(scopes.Permits(SmartScopeContext.System, "Observation", R));
        Assert.False(scopes.Permits(SmartScopeContext.System, "Observation", S));
        Assert.Empty(scopes.Contexts);
    }

    [Fact]
    public void The_launch_and_identity_scopes_are_recognised_and_grant_no_data()
    {
        var scopes = SmartScopeParser.Parse("launch launch/patient launch/encounter openid fhirUser profile offline_access online_access");

        Assert.True(scopes.HasLaunch);
        Assert.True(scopes.Has(SmartScopeSet.LaunchPatient));
        Assert.True(scopes.Has(SmartScopeSet.LaunchEncounter));
        Assert.True(scopes.HasOpenId);
        Assert.True(scopes.HasFhirUser);
        Assert.True(scopes.HasOfflineAccess);
        Assert.True(scopes.HasOnlineAccess);
        Assert.Empty(scopes.ResourceScopes);
        Assert.Empty(scopes.Unrecognized);
        Assert.False(scopes.Permits(SmartScopeContext.Patient, "Goal", R));
    }

    [Fact]
    public void Unknown_scopes_are_kept_apart_and_grant_nothing()
    {
        var scopes = SmartScopeParser.Parse("email patient/Goal.rs api://x/.default patient/Goal.zz");

        Assert.Equal(["email", "api://x/.default", "patient/Goal.zz"], scopes.Unrecognized);
        Assert.Single(scopes.ResourceScopes);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void No_scope_string_is_an_empty_set(string? text)
    {
        var scopes = SmartScopeParser.Parse(text);
        Assert.Empty(scopes.ResourceScopes);
        Assert.Empty(scopes.Unrecognized);
    }

    [Fact]
    public void Several_spaces_between_scopes_are_one_separator()
        => Assert.Equal(2, SmartScopeParser.Parse("patient/Goal.rs    openid  patient/Observation.c").ResourceScopes.Count);
}
