namespace PatientVoice.Web.Localization;

/// <summary>Text of the shared page layout.</summary>
public sealed record LayoutText : ILocalizedText<LayoutText>
{
    public required string AppName { get; init; }

    public required string SkipToContent { get; init; }

    /// <summary>"Reference" before the code a user can quote to support.</summary>
    public required string Reference { get; init; }

    public required string UnexpectedTitle { get; init; }

    public required string UnexpectedBody { get; init; }

    /// <summary>The page while the database is down or full (503/507): nothing saved is lost; try again soon.</summary>
    public required string StoreDownTitle { get; init; }

    public required string StoreDownBody { get; init; }

    public static LayoutText English { get; } = new()
    {
        AppName = "PatientVoice",
        SkipToContent = "Skip to main content",
        Reference = "Reference",
        UnexpectedTitle = "Something went wrong",
        UnexpectedBody = "PatientVoice could not finish this step. Nothing you have already shared is lost. Please try again in a few minutes.",
        StoreDownTitle = "We cannot save right now",
        StoreDownBody = "PatientVoice cannot reach its records for a moment. What you saved before is safe. This step was not saved. Please try again in a few minutes.",
    };

    public static LayoutText Spanish { get; } = new()
    {
        AppName = "PatientVoice",
        SkipToContent = "Saltar al contenido principal",
        Reference = "Referencia",
        UnexpectedTitle = "Algo salió mal",
        UnexpectedBody = "PatientVoice no pudo terminar este paso. No se ha perdido nada de lo que ya compartió. Inténtelo de nuevo en unos minutos.",
        StoreDownTitle = "No podemos guardar en este momento",
        StoreDownBody = "PatientVoice no puede llegar a sus registros por un momento. Lo que guardó antes está seguro. Este paso no se guardó. Inténtelo de nuevo en unos minutos.",
    };
}
