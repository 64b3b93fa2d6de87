using Hl7.Fhir.Model;
using PatientVoice.Storage.Search;

namespace PatientVoice.Storage.Tests.Search;

/// <summary>
/// The search suite every store adapter passes, table-driven in the style of fhir-candle: a query and what
/// it must return, over the fixture loaded once. Expected: ids (any order, across all pages), <c>#n</c> (a
/// count), <c>=a,b</c> (exactly this first page, in order), <c>~a,b</c> (at least these).
/// </summary>
public abstract class SearchStoreTests<TFixture>(TFixture fixture) where TFixture : SearchStoreFixture
{
    protected TFixture Fixture { get; } = fixture;

    [Theory]
    // reference: without resolve(), relative and absolute, by id only, :[type], canonical with and without version, :missing
    [InlineData("Goal?patient=Patient/p1", "#11")]
    [InlineData("Goal?patient=p1", "#11")]
    [InlineData("Goal?patient=https://ehr.example/fhir/Patient/p1", "g40")]
    [InlineData("Goal?subject:Patient=p2", "#10")]
    [InlineData("Goal?patient=Patient/nobody", "")]
    [InlineData("Goal?patient:missing=true", "")]
    [InlineData("Observation?derived-from=QuestionnaireResponse/qr01", "o01,o02,o03,o04,o05")]
    [InlineData("QuestionnaireResponse?questionnaire=http://patientvoice.example/Questionnaire/what-matters|1.0", "qr01,qr02,qr03")]
    [InlineData("QuestionnaireResponse?questionnaire=http://patientvoice.example/Questionnaire/what-matters", "qr01,qr02,qr03,qr04,qr05")]
    [InlineData("QuestionnaireResponse?author=RelatedPerson/rp1", "qr05")]
    [InlineData("Provenance?target=Goal/g03", "pv03")]
    [InlineData("Provenance?agent=Patient/p0", "pv04,pv08,pv12,pv16,pv20")]
    [InlineData("List?item=Goal/g02", "l02")]
    // token: code, system|code, |code, system|, :not, :text, _tag, _id, OR and AND
    [InlineData("Goal?lifecycle-status=active", "#20")]
    [InlineData("Goal?lifecycle-status=active,completed", "#30")]
    [InlineData("Goal?lifecycle-status:not=active", "#20")]
    [InlineData("Goal?lifecycle-status=active&patient=Patient/p1", "g13,g17,g21,g25,g29")]
    [InlineData("Goal?identifier=urn:pv:goal|G-7", "g07")]
    [InlineData("Goal?identifier=G-7", "g07")]
    [InlineData("Goal?identifier=|G-7", "")]
    [InlineData("Goal?identifier=urn:pv:goal|", "#40")]
    [InlineData("Goal?category=behavioral", "#13")]
    [InlineData("Goal?category:text=behav", "#13")]
    [InlineData("Goal?_tag=urn:pv:tag|pilot", "g01,g02,g03,g04,g05")]
    [InlineData("Observation?code=http://loinc.org|8867-4", "#20")]
    [InlineData("Observation?status=preliminary", "o36,o37,o38,o39,o40")]
    [InlineData("DocumentReference?status=superseded", "d16,d17,d18,d19,d20")]
    [InlineData("DocumentReference?type=http://loinc.org|51855-5", "#20")]
    [InlineData("Questionnaire?_id=gq1,gq-none", "gq1")]
    [InlineData("Questionnaire?_id:not=gq1&url=http://patientvoice.example/Questionnaire/what-matters", "")]
    [InlineData("List?status=retired", "l09,l10")]
    // date: every prefix, precision, periods, instants, :missing, AND as a range, _lastUpdated
    [InlineData("Goal?start-date=2024-01-05", "g05")]
    [InlineData("Goal?start-date=eq2024-02", "#12")]
    [InlineData("Goal?start-date=ne2024-01", "#12")]
    [InlineData("Goal?start-date=lt2024-01-03", "g01,g02")]
    [InlineData("Goal?start-date=le2024-01-03", "g01,g02,g03")]
    [InlineData("Goal?start-date=gt2024-02-10", "g39,g40")]
    [InlineData("Goal?start-date=ge2024-02-10", "g38,g39,g40")]
    [InlineData("Goal?start-date=sa2024-02-10", "g39,g40")]
    [InlineData("Goal?start-date=eb2024-01-03", "g01,g02")]
    [InlineData("Goal?start-date=ap2024-01-15", "~g14,g15,g16")]
    [InlineData("Goal?start-date=ge2024-01-10&start-date=le2024-01-12", "g10,g11,g12")]
    [InlineData("Goal?target-date:missing=true", "g36,g37,g38,g39,g40")]
    [InlineData("Goal?target-date:missing=false", "#35")]
    [InlineData("Observation?date=2024-03-05", "o05")]
    [InlineData("Observation?date=2024-04-15", "")]
    [InlineData("Observation?date=ge2024-04-15", "#10")]
    [InlineData("Observation?date=eb2024-03-03", "o01,o02")]
    [InlineData("Observation?date=sa2024-03-29", "#11")]
    [InlineData("DocumentReference?date=2024-06-05T08:00:00Z", "d05")]
    [InlineData("Provenance?recorded=lt2024-05-03", "pv01,pv02")]
    [InlineData("QuestionnaireResponse?authored=2024-08-02", "qr02")]
    [InlineData("List?_lastUpdated=gt2000-01-01&status=retired", "l09,l10")]
    [InlineData("List?_lastUpdated=lt2000-01-01", "")]
    // string: default (starts with, no case, no diacritics), :exact, :contains
    [InlineData("DocumentReference?description=patient note", "#10")]
    [InlineData("DocumentReference?description=resume", "#10")]
    [InlineData("DocumentReference?description=Résumé du patient 1", "d10,d12,d14,d16,d18")]
    [InlineData("Observation?value-string=preference 3", "o03,o31,o33,o35,o37,o39")]
    [InlineData("Observation?value-string:exact=Préférence 7", "o07")]
    [InlineData("Observation?value-string:exact=preference 7", "")]
    [InlineData("Observation?value-string:contains=ence 1", "o01,o11,o13,o15,o17,o19")]
    [InlineData("List?title=muller", "l01")]
    [InlineData("Questionnaire?title:exact=What Matters to Me", "gq1")]
    // uri: exact and :below
    [InlineData("Questionnaire?url=http://patientvoice.example/Questionnaire/what-matters", "gq1")]
    [InlineData("DocumentReference?location=http://docs.example/d3", "d03")]
    [InlineData("DocumentReference?location:below=http://docs.example/d1", "#11")]
    // quantity and number: prefixes, precision, system and code
    [InlineData("Observation?value-quantity=gt30|http://unitsofmeasure.org|kg", "o32,o34,o36,o38,o40")]
    [InlineData("Observation?value-quantity=10||kg", "o10")]
    [InlineData("Observation?value-quantity=le4", "o02,o04")]
    [InlineData("Observation?value-quantity=10|http://unitsofmeasure.org|g", "")]
    [InlineData("Observation?value-number=ge38", "o38,o40")]
    [InlineData("Observation?value-number=20", "o20")]
    [InlineData("Observation?value-number=ne20&value-number=lt7", "o02,o04,o06")]
    [InlineData("Observation?value-number=ap20", "o18,o20,o22")]
    // _sort: several keys, ascending and descending, NULLs last
    [InlineData("Goal?_sort=-start-date&_count=3", "=g40,g39,g38")]
    [InlineData("Goal?_sort=category,-_id&_count=3", "=g39,g36,g33")]
    [InlineData("Goal?_sort=-lifecycle-status,start-date&_count=2", "=g01,g02")]
    [InlineData("Observation?_sort=value-quantity,_id&_count=2&status=final", "=o02,o04")]
    [InlineData("Observation?_sort=-value-quantity&code=http://loinc.org|8867-4&_count=2", "=o01,o03")]
    [InlineData("Goal?_sort=-_lastUpdated,-_id&_count=1", "=g40")]
    public async Task Search_returns_exactly_the_expected_matches(string request, string expected)
    {
        var (ids, first) = await SearchAllAsync(request);
        if (expected.StartsWith('#'))
        {
            Assert.Equal(int.Parse(expected[1..], System.Globalization.CultureInfo.InvariantCulture), ids.Count);
        }
        else if (expected.StartsWith('='))
        {
            Assert.Equal(expected[1..].Split(','), first.Matches.Select(m => m.Id));
        }
        else if (expected.StartsWith('~'))
        {
            Assert.Superset(expected[1..].Split(',').ToHashSet(), ids.ToHashSet());
        }
        else
        {
            Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(), ids.Order());
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task The_fixture_holds_at_least_200_resources_including_the_conformance_questionnaires()
    {
        Assert.True(Fixture.Loaded >= 200, $"only {Fixture.Loaded} resources");
        var (ids, _) = await SearchAllAsync("Questionnaire?_count=100");
        Assert.True(ids.Count(id => id.StartsWith("c-", StringComparison.Ordinal)) > 20);
    }

    [Fact]
    public async Task Paging_walks_forward_with_next_and_back_with_previous()
    {
        var query = Parse("Goal?_sort=start-date&_count=7");
        var pages = new List<SearchResult>();
        string? cursor = null;
        do
        {
            var page = await Fixture.Store.SearchAsync(query with { Cursor = cursor }, CancellationToken.None);
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(6, pages.Count);
        Assert.Null(pages[0].PreviousCursor);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => $"g{i:00}"), pages.SelectMany(p => p.Matches).Select(m => m.Id));

        var backwards = new List<string>();
        cursor = pages[^1].PreviousCursor;
        while (cursor is not null)
        {
            var page = await Fixture.Store.SearchAsync(query with { Cursor = cursor }, CancellationToken.None);
            backwards.InsertRange(0, page.Matches.Select(m => m.Id));
            Assert.NotNull(page.NextCursor);
            cursor = page.PreviousCursor;
        }

        Assert.Equal(Enumerable.Range(1, 35).Select(i => $"g{i:00}"), backwards);
    }

    [Fact]
    public async Task Paging_stays_correct_when_resources_are_created_between_pages()
    {
        var store = await Fixture.CreateStoreAsync(SearchStoreFixture.CreateRegistry());
        await WriteAsync(store, Enumerable.Range(1, 10).Select(i => NewGoal($"a{i:00}")));
        var query = Parse("Goal?patient=Patient/p9&_count=4");

        var first = await store.SearchAsync(query, CancellationToken.None);
        await WriteAsync(store, [NewGoal("b01"), NewGoal("b02")]);
        var second = await store.SearchAsync(query with { Cursor = first.NextCursor }, CancellationToken.None);
        await WriteAsync(store, [NewGoal("b03")]);
        var seen = first.Matches.Concat(second.Matches).Select(m => m.Id).ToList();
        for (var cursor = second.NextCursor; cursor is not null;)
        {
            var page = await store.SearchAsync(query with { Cursor = cursor }, CancellationToken.None);
            seen.AddRange(page.Matches.Select(m => m.Id));
            cursor = page.NextCursor;
        }

        // Nothing skipped, nothing twice; the new resources come last in creation order.
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"a{i:00}").Concat(["b01", "b02", "b03"]), seen);
        var previous = await store.SearchAsync(query with { Cursor = second.PreviousCursor }, CancellationToken.None);
        Assert.Equal(first.Matches.Select(m => m.Id), previous.Matches.Select(m => m.Id));
    }

    [Theory]
    [InlineData("Goal?_id=g01&_revinclude=Provenance:target", "Provenance/pv01")]
    [InlineData("Provenance?_id=pv02&_include=Provenance:target", "Goal/g02,Observation/o02")]
    [InlineData("Provenance?_id=pv02&_include=Provenance:target:Goal", "Goal/g02")]
    [InlineData("Provenance?_id=pv02&_include=*", "Goal/g02,Observation/o02,QuestionnaireResponse/qr01")]
    [InlineData("QuestionnaireResponse?_id=qr01&_include=QuestionnaireResponse:questionnaire", "Questionnaire/gq1")]
    [InlineData("Questionnaire?_id=gq1&_revinclude=QuestionnaireResponse:questionnaire", "QuestionnaireResponse/qr01,QuestionnaireResponse/qr02,QuestionnaireResponse/qr03,QuestionnaireResponse/qr04,QuestionnaireResponse/qr05")]
    [InlineData("Goal?_id=g01&_revinclude=Provenance:target&_include:iterate=Provenance:target", "Provenance/pv01,Observation/o01")]
    [InlineData("Goal?_id=g01,g02&_revinclude=Provenance:target&_revinclude=List:item", "Provenance/pv01,Provenance/pv02,List/l01,List/l02")]
    [InlineData("Goal?patient=Patient/nobody&_revinclude=Provenance:target", "")]
    public async Task Includes_bring_the_page_s_related_resources_once_and_uncounted(string request, string expected)
    {
        var result = await Fixture.Store.SearchAsync(Parse(request), CancellationToken.None);
        var included = result.Included.Select(r => $"{r.ResourceType}/{r.Id}").ToList();
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(), included.Order());
        Assert.Equal(result.Matches.Count, result.Total);
        Assert.All(result.Included, r => Assert.NotNull(r.Json));
    }

    [Fact]
    public async Task Summary_count_returns_the_total_only()
    {
        var result = await Fixture.Store.SearchAsync(Parse("Goal?lifecycle-status=active&_summary=count"), CancellationToken.None);
        Assert.Empty(result.Matches);
        Assert.Equal(20, result.Total);
        Assert.Null(result.NextCursor);
    }

    [Fact]
    public async Task Total_is_counted_on_the_first_page_by_default_always_when_accurate_and_never_when_none()
    {
        var first = await Fixture.Store.SearchAsync(Parse("Goal?lifecycle-status=active&_count=5"), CancellationToken.None);
        Assert.Equal(20, first.Total);
        var second = await Fixture.Store.SearchAsync(Parse("Goal?lifecycle-status=active&_count=5") with { Cursor = first.NextCursor }, CancellationToken.None);
        Assert.Null(second.Total);
        var accurate = await Fixture.Store.SearchAsync(Parse("Goal?lifecycle-status=active&_count=5&_total=accurate") with { Cursor = first.NextCursor }, CancellationToken.None);
        Assert.Equal(20, accurate.Total);
        var none = await Fixture.Store.SearchAsync(Parse("Goal?lifecycle-status=active&_count=5&_total=none"), CancellationToken.None);
        Assert.Null(none.Total);
    }

    [Fact]
    public async Task Matches_carry_the_current_json_and_version()
    {
        var result = await Fixture.Store.SearchAsync(Parse("Goal?_id=g07"), CancellationToken.None);
        var match = Assert.Single(result.Matches);
        Assert.Contains("\"G-7\"", match.Json, StringComparison.Ordinal);
        Assert.Equal(1, match.VersionId);
        Assert.False(match.IsDeleted);
    }

    [Fact]
    public async Task Updated_and_deleted_resources_are_found_by_their_current_values_only()
    {
        var store = await Fixture.CreateStoreAsync(SearchStoreFixture.CreateRegistry());
        await WriteAsync(store, [NewGoal("x1"), NewGoal("x2")]);
        var changed = NewGoal("x1");
        changed.LifecycleStatus = Goal.GoalLifecycleStatus.Cancelled;
        await WriteAsync(store, [changed]);
        await using (var session = await store.BeginWriteAsync(CancellationToken.None))
        {
            await session.DeleteAsync("Goal", "x2", null, CancellationToken.None);
            await session.CommitAsync(CancellationToken.None);
        }

        Assert.Empty((await store.SearchAsync(Parse("Goal?lifecycle-status=active"), CancellationToken.None)).Matches);
        var cancelled = Assert.Single((await store.SearchAsync(Parse("Goal?lifecycle-status=cancelled"), CancellationToken.None)).Matches);
        Assert.Equal(2, cancelled.VersionId);
        Assert.Equal(1, (await store.SearchAsync(Parse("Goal?_summary=count"), CancellationToken.None)).Total);
    }

    protected SearchQuery Parse(string request)
    {
        var question = request.IndexOf('?', StringComparison.Ordinal);
        var type = question < 0 ? request : request[..question];
        var parameters = question < 0
            ? []
            : request[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .Select(p => new KeyValuePair<string, string>(p[0], p.Length > 1 ? p[1] : ""))
                .ToList();
        return Fixture.Parser.Parse(type, parameters, strict: true);
    }

    private async Task<(List<string> Ids, SearchResult First)> SearchAllAsync(string request)
    {
        var query = Parse(request);
        var first = await Fixture.Store.SearchAsync(query, CancellationToken.None);
        var ids = first.Matches.Select(m => m.Id).ToList();
        var cursor = first.NextCursor;
        for (var pages = 0; cursor is not null && pages < 100; pages++)
        {
            var page = await Fixture.Store.SearchAsync(query with { Cursor = cursor }, CancellationToken.None);
            ids.AddRange(page.Matches.Select(m => m.Id));
            cursor = page.NextCursor;
        }

        return (ids, first);
    }

    private static Goal NewGoal(string id) => new()
    {
        Id = id,
        Subject = new ResourceReference("Patient/p9"),
        LifecycleStatus = Goal.GoalLifecycleStatus.Active,
        Description = new CodeableConcept { Text = "Paging" },
    };

    private static async Task WriteAsync(IResourceStore store, IEnumerable<Resource> resources)
    {
        await using var session = await store.BeginWriteAsync(CancellationToken.None);
        foreach (var resource in resources)
        {
            await session.PutAsync(resource, null, CancellationToken.None);
        }

        await session.CommitAsync(CancellationToken.None);
    }
}
