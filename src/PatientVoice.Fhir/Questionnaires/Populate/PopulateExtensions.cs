namespace PatientVoice.Fhir.Questionnaires.Populate;

/// <summary>The extension URLs population reads and writes.</summary>
public static class PopulateExtensions
{
    private const string Sdc = "http://hl7.org/fhir/uv/sdc/StructureDefinition/";

    public const string LaunchContext = Sdc + "sdc-questionnaire-launchContext";
    public const string InitialExpression = Sdc + "sdc-questionnaire-initialExpression";

    /// <summary>The pre-SDC core URL some forms still use.</summary>
    public const string LegacyInitialExpression = "http://hl7.org/fhir/StructureDefinition/questionnaire-initialExpression";

    public const string ItemPopulationContext = Sdc + "sdc-questionnaire-itemPopulationContext";
    public const string Variable = "http://hl7.org/fhir/StructureDefinition/variable";
    public const string Hidden = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden";

    /// <summary>
    /// Ours, on a QuestionnaireResponse: the earlier response of the same patient to the same Questionnaire this one was
    /// pre-filled from ($populate). Submitting it ends the goals that one held and this one no longer does.
    /// </summary>
    public const string CarriedForwardFrom = "http://patientvoice.example.org/fhir/StructureDefinition/pv-carried-forward-from";
}
