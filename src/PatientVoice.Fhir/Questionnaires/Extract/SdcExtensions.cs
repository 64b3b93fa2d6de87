namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>The SDC (4.0) extension URLs extraction reads.</summary>
internal static class SdcExtensions
{
    private const string Sdc = "http://hl7.org/fhir/uv/sdc/StructureDefinition/";

    public const string DefinitionExtract = Sdc + "sdc-questionnaire-definitionExtract";
    public const string DefinitionExtractValue = Sdc + "sdc-questionnaire-definitionExtractValue";
    public const string ExtractAllocateId = Sdc + "sdc-questionnaire-extractAllocateId";
    public const string ItemExtractionContext = Sdc + "sdc-questionnaire-itemExtractionContext";
    public const string ObservationExtract = Sdc + "sdc-questionnaire-observationExtract";
    public const string ObservationExtractCategory = Sdc + "sdc-questionnaire-observation-extract-category";
    public const string QuestionnaireUnit = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit";
}
