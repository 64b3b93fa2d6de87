using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Terminology;

namespace PatientVoice.Fhir.Validation;

/// <summary>
/// Remembers the answers of the SDK's <see cref="LocalTerminologyService"/> to <c>$validate-code</c>, keyed by every input
/// parameter (the ValueSet canonical and version, system, code, display, abstract flag, or the whole coding or
/// CodeableConcept), and answers a repeated question with an already-completed task. Why: the local service takes one
/// process-wide semaphore twice per call (expansion and code-system lookup), so concurrent validations queue on it and
/// their continuations hop between thread-pool threads; the SDK's binding check blocks a thread on each call
/// (TaskHelper.Await). A remembered answer skips the semaphore and the continuations.
/// <para>
/// Equivalent by construction: the local service's answer depends only on the parameters and on the conformance resources,
/// which do not change while the process runs. Only answers are remembered, never failures (an unresolvable ValueSet
/// throws and is asked again each time), so what is cached is for ValueSets resolved locally. Codes come from clients: the
/// cache holds at most <c>capacity</c> answers and is emptied when full, a key longer than <see cref="MaxKeyLength"/> is
/// never stored, and parameters it does not know (a ValueSet sent inline, parts, extensions) are passed through uncached.
/// </para>
/// </summary>
public sealed class MemoisingTerminologyService(ICodeValidationTerminologyService inner, int capacity) : ICodeValidationTerminologyService
{
    /// <summary>Longer keys (e.g. a hostile megabyte of code) are validated but never remembered.</summary>
    public const int MaxKeyLength = 2048;

    private readonly ConcurrentDictionary<string, Parameters> _answers = new(StringComparer.Ordinal);

    private long _asked;

    /// <summary>How many answers are remembered now (at most the capacity).</summary>
    public int Count => _answers.Count;

    /// <summary>How many questions were asked through <see cref="ValueSetValidateCode"/>, answered from memory or not.</summary>
    public long Asked => Interlocked.Read(ref _asked);

    public Task<Parameters> ValueSetValidateCode(Parameters parameters, string? id = null, bool useGet = false)
    {
        Interlocked.Increment(ref _asked);
        var key = id is null ? KeyOf(parameters) : null;
        if (key is null)
        {
            return inner.ValueSetValidateCode(parameters, id, useGet);
        }

        if (_answers.TryGetValue(key, out var known))
        {
            return Task.FromResult((Parameters)known.DeepCopy());
        }

        return AskAndRemember(key, parameters, useGet);
    }

    /// <summary>
    /// The remembered answer to exactly this question, if there is one, without asking: for a caller that must not wait
    /// (<see cref="RememberedBindingValidator"/>). The answer is shared: read it, never change it.
    /// </summary>
    public bool TryGetKnownAnswer(Parameters parameters, [NotNullWhen(true)] out Parameters? answer)
    {
        answer = null;
        return KeyOf(parameters) is { } key && _answers.TryGetValue(key, out answer);
    }

    public Task<Parameters> Subsumes(Parameters parameters, string? id = null, bool useGet = false) => inner.Subsumes(parameters, id, useGet);

    private async Task<Parameters> AskAndRemember(string key, Parameters parameters, bool useGet)
    {
        var answer = await inner.ValueSetValidateCode(parameters, null, useGet).ConfigureAwait(false);
        if (_answers.Count >= capacity)
        {
            _answers.Clear();
        }

        _answers.TryAdd(key, (Parameters)answer.DeepCopy());
        return answer;
    }

    /// <summary>Every parameter's name and value, or null when a parameter is of a shape not handled here.</summary>
    public static string? KeyOf(Parameters parameters)
    {
        if (parameters.Meta is not null || parameters.Id is not null || parameters.ImplicitRules is not null || parameters.Language is not null)
        {
            return null;
        }

        var key = new StringBuilder();
        foreach (var parameter in parameters.Parameter)
        {
            if (parameter.Resource is not null || parameter.Part.Count > 0 || parameter.Extension.Count > 0 || parameter.ModifierExtension.Count > 0 || parameter.ElementId is not null)
            {
                return null;
            }

            key.Append('\u001e').Append(parameter.Name).Append('=');
            var appended = parameter.Value switch
            {
                null => true,
                PrimitiveType primitive => Append(key, primitive),
                Coding coding => Append(key, coding),
                CodeableConcept concept => Append(key, concept),
                _ => false,
            };
            if (!appended || key.Length > MaxKeyLength)
            {
                return null;
            }
        }

        return key.ToString();
    }

    private static bool Append(StringBuilder key, PrimitiveType? primitive)
    {
        if (primitive is null)
        {
            key.Append('\u001f');
            return true;
        }

        if (primitive.ElementId is not null || primitive.Extension.Count > 0)
        {
            return false;
        }

        key.Append(primitive.TypeName).Append(':').Append(primitive.JsonValue is { } value ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : "\u0000").Append('\u001f');
        return true;
    }

    private static bool Append(StringBuilder key, Coding coding) =>
        coding.ElementId is null && coding.Extension.Count == 0
        && Append(key, coding.SystemElement) && Append(key, coding.VersionElement) && Append(key, coding.CodeElement)
        && Append(key, coding.DisplayElement) && Append(key, coding.UserSelectedElement);

    private static bool Append(StringBuilder key, CodeableConcept concept)
    {
        if (concept.ElementId is not null || concept.Extension.Count > 0 || !Append(key, concept.TextElement))
        {
            return false;
        }

        foreach (var coding in concept.Coding)
        {
            key.Append('\u001d');
            if (!Append(key, coding))
            {
                return false;
            }
        }

        return true;
    }
}
