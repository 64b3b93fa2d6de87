using PatientVoice.Application.Uptake;
using PatientVoice.Web.Localization;

namespace PatientVoice.Web.Clinicians.Uptake;

/// <summary>Text of the clinic's uptake page (clinician-facing), English and Spanish.</summary>
public sealed record UptakeText : ILocalizedText<UptakeText>
{
    public required string Lang { get; init; }

    public required string Title { get; init; }

    public required string Intro { get; init; }

    public required string Suppression { get; init; }

    public required string PeriodLegend { get; init; }

    public required string From { get; init; }

    public required string To { get; init; }

    public required string Show { get; init; }

    public required string OtherLanguageLink { get; init; }

    public required string DemographicsNotAvailable { get; init; }

    public required string BadPeriod { get; init; }

    public required string WeekOf { get; init; }

    public required string AllWeeks { get; init; }

    public required string Total { get; init; }

    /// <summary>{0} the measure, {1} the breakdown.</summary>
    public required string Caption { get; init; }

    public required IReadOnlyDictionary<UptakeMeasure, string> Measures { get; init; }

    public required IReadOnlyDictionary<UptakeMeasure, string> MeasureHelp { get; init; }

    public required IReadOnlyDictionary<UptakeBreakdown, string> Breakdowns { get; init; }

    /// <summary>Category labels by breakdown and code.</summary>
    public required IReadOnlyDictionary<(UptakeBreakdown, string), string> Categories { get; init; }

    public string Category(UptakeBreakdown breakdown, string code) => Categories.TryGetValue((breakdown, code), out var label) ? label : code;

    public static UptakeText English { get; } = new()
    {
        Lang = "en",
        Title = "Who is being reached",
        Intro = "How many patients were invited by one-time link, opened it, and sent their answers, per week. Sent answers include those from the patient portal and those typed by staff.",
        Suppression = "To protect privacy, any count from 1 to 10 is shown as <11, and some other counts are hidden too so that no hidden count can be worked out from a total.",
        PeriodLegend = "Weeks to show",
        From = "From",
        To = "To",
        Show = "Show",
        OtherLanguageLink = "Ver en español",
        DemographicsNotAvailable = "Race and ethnicity could not be read from the EHR, so every patient is counted as not recorded.",
        BadPeriod = "Please choose a period of at most 53 weeks whose end is after its start.",
        WeekOf = "Week of",
        AllWeeks = "All weeks",
        Total = "Total",
        Caption = "{0}, by {1}, per week",
        Measures = new Dictionary<UptakeMeasure, string>
        {
            [UptakeMeasure.Invited] = "Invited",
            [UptakeMeasure.Opened] = "Opened the link",
            [UptakeMeasure.Submitted] = "Sent answers",
        },
        MeasureHelp = new Dictionary<UptakeMeasure, string>
        {
            [UptakeMeasure.Invited] = "One-time links created, in the week they were created.",
            [UptakeMeasure.Opened] = "Links opened for the first time, in the week they were opened.",
            [UptakeMeasure.Submitted] = "Answers sent for the first time, in the week they were sent, through any way in.",
        },
        Breakdowns = new Dictionary<UptakeBreakdown, string>
        {
            [UptakeBreakdown.Language] = "preferred language",
            [UptakeBreakdown.Respondent] = "who answered",
            [UptakeBreakdown.Channel] = "way in",
            [UptakeBreakdown.Race] = "race",
            [UptakeBreakdown.Ethnicity] = "ethnicity",
        },
        Categories = new Dictionary<(UptakeBreakdown, string), string>
        {
            [(UptakeBreakdown.Language, UptakeCategories.English)] = "English",
            [(UptakeBreakdown.Language, UptakeCategories.Spanish)] = "Spanish",
            [(UptakeBreakdown.Language, UptakeCategories.OtherLanguage)] = "Other or not recorded",
            [(UptakeBreakdown.Respondent, UptakeCategories.Self)] = "The patient",
            [(UptakeBreakdown.Respondent, UptakeCategories.FamilyMember)] = "Family member",
            [(UptakeBreakdown.Respondent, UptakeCategories.Staff)] = "The patient with staff help",
            [(UptakeBreakdown.Channel, UptakeCategories.Link)] = "One-time link",
            [(UptakeBreakdown.Channel, UptakeCategories.Portal)] = "Portal or API",
            [(UptakeBreakdown.Channel, UptakeCategories.Staff)] = "Staff, in the EHR",
            [(UptakeBreakdown.Race, UptakeCategories.AmericanIndian)] = "American Indian or Alaska Native",
            [(UptakeBreakdown.Race, UptakeCategories.Asian)] = "Asian",
            [(UptakeBreakdown.Race, UptakeCategories.Black)] = "Black or African American",
            [(UptakeBreakdown.Race, UptakeCategories.PacificIslander)] = "Native Hawaiian or Other Pacific Islander",
            [(UptakeBreakdown.Race, UptakeCategories.White)] = "White",
            [(UptakeBreakdown.Race, UptakeCategories.MultipleRaces)] = "More than one race",
            [(UptakeBreakdown.Race, UptakeCategories.NotRecorded)] = "Not recorded",
            [(UptakeBreakdown.Ethnicity, UptakeCategories.HispanicOrLatino)] = "Hispanic or Latino",
            [(UptakeBreakdown.Ethnicity, UptakeCategories.NotHispanicOrLatino)] = "Not Hispanic or Latino",
            [(UptakeBreakdown.Ethnicity, UptakeCategories.NotRecorded)] = "Not recorded",
        },
    };

    public static UptakeText Spanish { get; } = new()
    {
        Lang = "es",
        Title = "A quién estamos llegando",
        Intro = "Cuántos pacientes recibieron un enlace de un solo uso, lo abrieron y enviaron sus respuestas, por semana. Las respuestas enviadas incluyen las del portal del paciente y las que escribió el personal.",
        Suppression = "Para proteger la privacidad, cualquier número de 1 a 10 se muestra como <11, y se ocultan algunos otros números para que ningún número oculto se pueda calcular a partir de un total.",
        PeriodLegend = "Semanas que se muestran",
        From = "Desde",
        To = "Hasta",
        Show = "Mostrar",
        OtherLanguageLink = "View in English",
        DemographicsNotAvailable = "No se pudo leer la raza ni la etnia en el expediente clínico, así que cada paciente se cuenta como no registrado.",
        BadPeriod = "Elija un periodo de 53 semanas como máximo cuyo final sea después de su inicio.",
        WeekOf = "Semana del",
        AllWeeks = "Todas las semanas",
        Total = "Total",
        Caption = "{0}, por {1}, por semana",
        Measures = new Dictionary<UptakeMeasure, string>
        {
            [UptakeMeasure.Invited] = "Invitados",
            [UptakeMeasure.Opened] = "Abrieron el enlace",
            [UptakeMeasure.Submitted] = "Enviaron respuestas",
        },
        MeasureHelp = new Dictionary<UptakeMeasure, string>
        {
            [UptakeMeasure.Invited] = "Enlaces de un solo uso creados, en la semana en que se crearon.",
            [UptakeMeasure.Opened] = "Enlaces abiertos por primera vez, en la semana en que se abrieron.",
            [UptakeMeasure.Submitted] = "Respuestas enviadas por primera vez, en la semana en que se enviaron, por cualquier vía.",
        },
        Breakdowns = new Dictionary<UptakeBreakdown, string>
        {
            [UptakeBreakdown.Language] = "idioma preferido",
            [UptakeBreakdown.Respondent] = "quién respondió",
            [UptakeBreakdown.Channel] = "vía de acceso",
            [UptakeBreakdown.Race] = "raza",
            [UptakeBreakdown.Ethnicity] = "etnia",
        },
        Categories = new Dictionary<(UptakeBreakdown, string), string>
        {
            [(UptakeBreakdown.Language, UptakeCategories.English)] = "Inglés",
            [(UptakeBreakdown.Language, UptakeCategories.Spanish)] = "Español",
            [(UptakeBreakdown.Language, UptakeCategories.OtherLanguage)] = "Otro o no registrado",
            [(UptakeBreakdown.Respondent, UptakeCategories.Self)] = "El paciente",
            [(UptakeBreakdown.Respondent, UptakeCategories.FamilyMember)] = "Un familiar",
            [(UptakeBreakdown.Respondent, UptakeCategories.Staff)] = "El paciente con ayuda del personal",
            [(UptakeBreakdown.Channel, UptakeCategories.Link)] = "Enlace de un solo uso",
            [(UptakeBreakdown.Channel, UptakeCategories.Portal)] = "Portal o API",
            [(UptakeBreakdown.Channel, UptakeCategories.Staff)] = "Personal, en el expediente clínico",
            [(UptakeBreakdown.Race, UptakeCategories.AmericanIndian)] = "Indígena de las Américas o nativo de Alaska",
            [(UptakeBreakdown.Race, UptakeCategories.Asian)] = "Asiático",
            [(UptakeBreakdown.Race, UptakeCategories.Black)] = "Negro o afroamericano",
            [(UptakeBreakdown.Race, UptakeCategories.PacificIslander)] = "Nativo de Hawái o de otras islas del Pacífico",
            [(UptakeBreakdown.Race, UptakeCategories.White)] = "Blanco",
            [(UptakeBreakdown.Race, UptakeCategories.MultipleRaces)] = "Más de una raza",
            [(UptakeBreakdown.Race, UptakeCategories.NotRecorded)] = "No registrado",
            [(UptakeBreakdown.Ethnicity, UptakeCategories.HispanicOrLatino)] = "Hispano o latino",
            [(UptakeBreakdown.Ethnicity, UptakeCategories.NotHispanicOrLatino)] = "No hispano ni latino",
            [(UptakeBreakdown.Ethnicity, UptakeCategories.NotRecorded)] = "No registrado",
        },
    };
}
