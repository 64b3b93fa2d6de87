using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PatientVoice.Web.Tests.Postgres;

public sealed class StorageProviderTests
{
    [Fact]
    public void An_unknown_storage_provider_stops_start_up_with_a_message_naming_the_setting()
    {
        using var host = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Storage:Provider", "Oracle"));

        var error = Assert.Throws<InvalidOperationException>(() => host.Server);

        Assert.Contains("Storage:Provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("Oracle", error.Message, StringComparison.Ordinal);
    }
}
