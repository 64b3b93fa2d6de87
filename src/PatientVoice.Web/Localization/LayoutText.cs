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

    public static LayoutText English { get; } = new()
    {
        AppName = "PatientVoice",
        SkipToContent = "Skip to main content",
        Reference = "Reference",
        UnexpectedTitle = "Something went wrong",
        UnexpectedBody = "PatientVoice could not finish this step. Nothing you have already shared is lost. Please try again in a few minutes.",
    };

    public static LayoutText Spanish { get; } = new()
    {
        AppName = "PatientVoice",
        SkipToContent = "Saltar al contenido principal",
        Reference = "Referencia",
        UnexpectedTitle = "Algo salió mal",
        UnexpectedBody = "PatientVoice no pudo terminar este paso. No se ha perdido nada de lo que ya compartió. Inténtelo de nuevo en unos minutos.",
    };
}
