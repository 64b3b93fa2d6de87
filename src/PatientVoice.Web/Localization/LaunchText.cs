using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Localization;

/// <summary>
/// A failure page's heading and the two things a user needs: what happened, and what to do now; and, when the EHR's
/// configuration is the cause, what the EHR must grant (for the person who administers it).
/// </summary>
public sealed record FailureText(string Title, string WhatHappened, string WhatToDo, string? ForTheEhr = null);

/// <summary>Text of the launch, session and launch-failure pages.</summary>
public sealed record LaunchText : ILocalizedText<LaunchText>
{
    public required FailureText MissingParameters { get; init; }

    public required FailureText UnknownEhr { get; init; }

    public required FailureText ConsentDenied { get; init; }

    public required FailureText AuthorizationFailed { get; init; }

    public required FailureText StateInvalid { get; init; }

    public required FailureText LaunchExpired { get; init; }

    public required FailureText EhrUnreachable { get; init; }

    public required FailureText EhrMisconfigured { get; init; }

    public required FailureText TokenRefused { get; init; }

    public required FailureText NoPatientContext { get; init; }

    public required FailureText NoFhirUser { get; init; }

    /// <summary>A page needs a session and this browser has none (or it ended).</summary>
    public required FailureText SessionRequired { get; init; }

    /// <summary>A session exists but is not allowed this page (a patient on a clinician page, or the reverse).</summary>
    public required FailureText SessionDenied { get; init; }

    public required string SignOutTitle { get; init; }

    public required string SignOutBody { get; init; }

    public required string SignOutButton { get; init; }

    public required string SignedOutTitle { get; init; }

    public required string SignedOutBody { get; init; }

    public FailureText For(LaunchFailure failure) => failure switch
    {
        LaunchFailure.MissingParameters => MissingParameters,
        LaunchFailure.UnknownEhr => UnknownEhr,
        LaunchFailure.ConsentDenied => ConsentDenied,
        LaunchFailure.AuthorizationFailed => AuthorizationFailed,
        LaunchFailure.StateInvalid => StateInvalid,
        LaunchFailure.LaunchExpired => LaunchExpired,
        LaunchFailure.EhrUnreachable => EhrUnreachable,
        LaunchFailure.EhrMisconfigured => EhrMisconfigured,
        LaunchFailure.TokenRefused => TokenRefused,
        LaunchFailure.NoPatientContext => NoPatientContext,
        _ => NoFhirUser,
    };

    private const string OpenAgainEn = "Please open PatientVoice again. Start from your patient portal or health record.";
    private const string OpenAgainEs = "Vuelva a abrir PatientVoice desde su portal del paciente o desde su sistema de historia clínica.";

    public static LaunchText English { get; } = new()
    {
        MissingParameters = new("This link is incomplete",
            "The link that opened PatientVoice is missing a part. It does not say where you came from.",
            OpenAgainEn),
        UnknownEhr = new("PatientVoice can't be opened from here",
            "This link came from a system that PatientVoice does not work with. So we stopped before we connected to it.",
            "Please open PatientVoice from your own patient portal or health record system. If you think this is a mistake, contact your clinic."),
        ConsentDenied = new("You chose not to share access",
            "PatientVoice needs your permission to see your appointment and health record before you can use it. Nothing has been shared.",
            "If you change your mind, open PatientVoice again from your patient portal. Then choose to allow access."),
        AuthorizationFailed = new("Your portal could not start PatientVoice",
            "Your patient portal or health record system did not accept the request. The link may have expired.",
            OpenAgainEn),
        StateInvalid = new("We could not confirm this sign-in",
            "To keep you safe, a sign-in can only be used once, and only in the browser that started it. This one was used already, or it did not start here.",
            OpenAgainEn),
        LaunchExpired = new("This sign-in took too long",
            "To keep you safe, a sign-in must be finished a few minutes after it starts.",
            OpenAgainEn),
        EhrUnreachable = new("We can't reach your health record system right now",
            "PatientVoice could not connect to your patient portal or health record system. This is usually brief.",
            "Please try again in a few minutes. If you need help with your health now, call your clinic, or 911 in an emergency."),
        EhrMisconfigured = new("PatientVoice can't connect to your health record system",
            "Your health record system is set up in a way that PatientVoice cannot use. It does not pass our safety checks.",
            "Please contact your clinic. Tell them the reference shown below."),
        TokenRefused = new("Your health record system did not let PatientVoice in",
            "The sign-in could not be completed. The link may have been used already or may have expired.",
            OpenAgainEn),
        NoPatientContext = new("Your health record system did not say which patient this is for",
            "PatientVoice opens for one patient at a time, and the sign-in did not name the patient. Nothing has been shown or shared.",
            OpenAgainEn,
            "For the health record system's administrator: a launch of PatientVoice's patient pages must grant the patient context: the scope launch (EHR launch) or launch/patient (standalone launch), with patient in the token response."),
        NoFhirUser = new("We could not tell who you are",
            "Your health record system did not say who is signed in, so PatientVoice cannot record anything in your name. Nothing has been shown or shared.",
            OpenAgainEn,
            "For the health record system's administrator: PatientVoice must be granted the scopes openid and fhirUser, and the id_token must carry fhirUser naming the user (a Practitioner, Patient or RelatedPerson)."),
        SessionRequired = new("Please open PatientVoice from your portal or EHR",
            "This page is part of PatientVoice. Patients open it from their patient portal. Clinicians open it from the health record system. You are not signed in, or your session has ended.",
            OpenAgainEn),
        SessionDenied = new("This page is not available to you",
            "You are signed in, but this page is for a different kind of user.",
            OpenAgainEn),
        SignOutTitle = "Sign out of PatientVoice",
        SignOutBody = "Signing out ends your session on this device. What you have already shared stays with your care team.",
        SignOutButton = "Sign out",
        SignedOutTitle = "You have signed out of PatientVoice",
        SignedOutBody = "Your session has ended on this device. You can close this window.",
    };

    public static LaunchText Spanish { get; } = new()
    {
        MissingParameters = new("Este enlace está incompleto",
            "Al enlace que abrió PatientVoice le falta la información que indica desde dónde llegó.",
            OpenAgainEs),
        UnknownEhr = new("PatientVoice no se puede abrir desde aquí",
            "Este enlace viene de un sistema con el que PatientVoice no está configurado para trabajar, así que nos detuvimos antes de conectarnos a él.",
            "Abra PatientVoice desde su propio portal del paciente o sistema de historia clínica. Si cree que es un error, comuníquese con su clínica."),
        ConsentDenied = new("Usted decidió no dar acceso",
            "PatientVoice necesita su permiso para ver su cita y su historia clínica antes de que pueda usarlo. No se ha compartido nada.",
            "Si cambia de opinión, vuelva a abrir PatientVoice desde su portal del paciente y elija permitir el acceso."),
        AuthorizationFailed = new("Su portal no pudo abrir PatientVoice",
            "Su portal del paciente o sistema de historia clínica no aceptó la solicitud. Es posible que el enlace haya vencido.",
            OpenAgainEs),
        StateInvalid = new("No pudimos confirmar este inicio de sesión",
            "Por su seguridad, PatientVoice solo completa un inicio de sesión que comenzó en este mismo navegador, y una sola vez. Este ya se usó o no comenzó aquí.",
            OpenAgainEs),
        LaunchExpired = new("Este inicio de sesión tardó demasiado",
            "Por su seguridad, un inicio de sesión debe completarse pocos minutos después de comenzarlo.",
            OpenAgainEs),
        EhrUnreachable = new("No podemos comunicarnos con su sistema de historia clínica en este momento",
            "PatientVoice no pudo conectarse con su portal del paciente o sistema de historia clínica. Normalmente dura poco.",
            "Inténtelo de nuevo en unos minutos. Si necesita ayuda con su salud ahora, llame a su clínica, o al 911 en una emergencia."),
        EhrMisconfigured = new("PatientVoice no puede conectarse con su sistema de historia clínica",
            "Su sistema de historia clínica no está preparado para PatientVoice. No pasa nuestros controles de seguridad.",
            "Hable con su clínica. Dígales la referencia que aparece abajo."),
        TokenRefused = new("Su sistema de historia clínica no dejó entrar a PatientVoice",
            "No se pudo completar el inicio de sesión. Es posible que el enlace ya se haya usado o que haya vencido.",
            OpenAgainEs),
        NoPatientContext = new("Su sistema de historia clínica no indicó para qué paciente es",
            "PatientVoice se abre para un paciente a la vez, y el inicio de sesión no indicó el paciente. No se ha mostrado ni compartido nada.",
            OpenAgainEs,
            "Para quien administra el sistema de historia clínica: al abrir las páginas de pacientes de PatientVoice se debe otorgar el contexto de paciente: el alcance launch (desde la historia clínica) o launch/patient (inicio independiente), con patient en la respuesta del token."),
        NoFhirUser = new("No pudimos saber quién es usted",
            "Su sistema de historia clínica no indicó quién inició sesión, así que PatientVoice no puede registrar nada a su nombre. No se ha mostrado ni compartido nada.",
            OpenAgainEs,
            "Para quien administra el sistema de historia clínica: PatientVoice necesita los alcances openid y fhirUser, y el id_token debe llevar fhirUser con el usuario (un Practitioner, Patient o RelatedPerson)."),
        SessionRequired = new("Abra PatientVoice desde su portal o su sistema de historia clínica",
            "Esta página es parte de PatientVoice, que se abre desde su portal del paciente o, para el personal clínico, desde el sistema de historia clínica. No ha iniciado sesión o su sesión terminó.",
            OpenAgainEs),
        SessionDenied = new("Esta página no está disponible para usted",
            "Ha iniciado sesión, pero esta página es para otro tipo de usuario.",
            OpenAgainEs),
        SignOutTitle = "Cerrar sesión en PatientVoice",
        SignOutBody = "Al cerrar sesión, su sesión termina en este dispositivo. Lo que ya compartió sigue con su equipo de atención.",
        SignOutButton = "Cerrar sesión",
        SignedOutTitle = "Ha cerrado su sesión de PatientVoice",
        SignedOutBody = "Su sesión terminó en este dispositivo. Puede cerrar esta ventana.",
    };
}
