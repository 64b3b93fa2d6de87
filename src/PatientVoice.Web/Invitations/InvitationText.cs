using System.Globalization;
using PatientVoice.Web.Localization;

namespace PatientVoice.Web.Invitations;

/// <summary>Text of the one-time link's pages and of the message a clinic sends, in plain words (English and Spanish).</summary>
public sealed record InvitationText : ILocalizedText<InvitationText>
{
    public required string Lang { get; init; }

    public required string Title { get; init; }

    /// <summary>{0} the clinic, {1} the visit date.</summary>
    public required string VisitLine { get; init; }

    public required string CheckIntro { get; init; }

    public required string BirthDateLegend { get; init; }

    public required string BirthDateHint { get; init; }

    public required string Day { get; init; }

    public required string Month { get; init; }

    public required string Year { get; init; }

    public required string Continue { get; init; }

    public required string WrongBirthDate { get; init; }

    public required string IncompleteBirthDate { get; init; }

    public required FailureText Unknown { get; init; }

    public required FailureText Expired { get; init; }

    public required FailureText Revoked { get; init; }

    public required FailureText Used { get; init; }

    public required string TooManyTitle { get; init; }

    public required string TooManyBody { get; init; }

    /// <summary>The SMS or email a clinic sends: {0} the clinic, {1} the visit date, {2} the link.</summary>
    public required string Message { get; init; }

    public static InvitationText English { get; } = new()
    {
        Lang = "en",
        Title = "Before your visit",
        VisitLine = "{0} · your visit on {1}",
        CheckIntro = "Your care team asked what matters to you before your visit. To keep your answers private, please enter your date of birth first.",
        BirthDateLegend = "Your date of birth",
        BirthDateHint = "For example: 27 3 1961",
        Day = "Day",
        Month = "Month",
        Year = "Year",
        Continue = "Continue",
        WrongBirthDate = "That date of birth does not match what your clinic has. Please check it and try again.",
        IncompleteBirthDate = "Please enter your whole date of birth: the day, the month and the year, as numbers.",
        Unknown = new("This link does not work", "The link may be incomplete or mistyped. Nothing was saved.", "Please call your clinic and ask them to send you a new link."),
        Expired = new("This link has expired", "Links work until the day after the visit. Nothing was saved.", "If you still want to tell your care team something, call your clinic or tell them at your next visit."),
        Revoked = new("This link was cancelled", "Your clinic cancelled this link. Nothing was saved.", "If you think this is a mistake, call your clinic and ask for a new link."),
        Used = new("Your answers were already sent", "This link works once, and your answers already reached your care team. Nothing more was saved.", "If you want to add something, call your clinic or tell them at your visit."),
        TooManyTitle = "Please wait a few minutes",
        TooManyBody = "There were too many tries in a short time. Please wait 15 minutes and open the link again.",
        Message = "{0}: before your visit on {1}, tell your care team in your own words what matters to you. Open: {2} (works until the day after your visit; do not share this link).",
    };

    public static InvitationText Spanish { get; } = new()
    {
        Lang = "es",
        Title = "Antes de su visita",
        VisitLine = "{0} · su visita el {1}",
        CheckIntro = "Su equipo de atención quiere saber qué es importante para usted antes de su visita. Para mantener sus respuestas privadas, primero escriba su fecha de nacimiento.",
        BirthDateLegend = "Su fecha de nacimiento",
        BirthDateHint = "Por ejemplo: 27 3 1961",
        Day = "Día",
        Month = "Mes",
        Year = "Año",
        Continue = "Continuar",
        WrongBirthDate = "Esa fecha de nacimiento no coincide con la que tiene su clínica. Revísela e inténtelo de nuevo.",
        IncompleteBirthDate = "Escriba su fecha de nacimiento completa: el día, el mes y el año, en números.",
        Unknown = new("Este enlace no funciona", "Es posible que el enlace esté incompleto o mal escrito. No se guardó nada.", "Llame a su clínica y pida que le envíen un enlace nuevo."),
        Expired = new("Este enlace ya venció", "Los enlaces funcionan hasta el día después de la visita. No se guardó nada.", "Si todavía quiere decirle algo a su equipo de atención, llame a su clínica o dígaselo en su próxima visita."),
        Revoked = new("Este enlace fue cancelado", "Su clínica canceló este enlace. No se guardó nada.", "Si cree que es un error, llame a su clínica y pida un enlace nuevo."),
        Used = new("Sus respuestas ya se enviaron", "Este enlace funciona una sola vez y sus respuestas ya llegaron a su equipo de atención. No se guardó nada más.", "Si quiere agregar algo, llame a su clínica o dígaselo en su visita."),
        TooManyTitle = "Espere unos minutos",
        TooManyBody = "Hubo demasiados intentos en poco tiempo. Espere 15 minutos y vuelva a abrir el enlace.",
        Message = "{0}: antes de su visita del {1}, cuéntele a su equipo de atención con sus propias palabras qué es importante para usted. Abra: {2} (funciona hasta el día después de su visita; no comparta este enlace).",
    };

    private static readonly string[] SpanishMonths = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"];

    public static InvitationText For(string? language) => language == "es" ? Spanish : English;

    public static InvitationText For(HttpContext context) => LocalizedText.Text<InvitationText>(context);

    /// <summary>The visit date as people read it (the app runs with invariant globalization, so month names are ours).</summary>
    public string Date(DateOnly date) => Lang == "es"
        ? $"{date.Day} de {SpanishMonths[date.Month - 1]} de {date.Year}"
        : date.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture);

    public string VisitOf(string clinic, DateOnly date) => string.Format(CultureInfo.InvariantCulture, VisitLine, clinic, Date(date));

    public string MessageFor(string clinic, DateOnly date, string url) => string.Format(CultureInfo.InvariantCulture, Message, clinic, Date(date), url);
}
