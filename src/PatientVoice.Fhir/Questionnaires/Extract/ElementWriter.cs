using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>Sets values into POCOs along definition paths. Stateless.</summary>
internal static class ElementWriter
{
    /// <summary>
    /// Creates (appends) a new element at the path and returns it: a repeating group with a definition (Patient.name) makes a
    /// new element per repetition and its children fill it.
    /// </summary>
    public static Base? AddElement(Base target, IReadOnlyList<DefinitionPath.Step> steps, out string? problem)
    {
        problem = null;
        if (steps.Count == 0)
        {
            return target;
        }

        var parent = target;
        for (var i = 0; i < steps.Count - 1; i++)
        {
            parent = Child(parent, steps[i], reuse: true, out problem);
            if (parent is null)
            {
                return null;
            }
        }

        return Child(parent, steps[^1], reuse: false, out problem);
    }

    /// <summary>
    /// Sets the value at the path. Repeating elements on the way are reused while the leaf is free, otherwise a new one is
    /// added: two answers to Goal.note.text make two notes; identifier.system and identifier.value fill one identifier.
    /// </summary>
    public static bool Set(Base target, IReadOnlyList<DefinitionPath.Step> steps, DataType value, out string? problem)
    {
        problem = null;
        if (steps.Count == 0)
        {
            problem = "the path names the resource itself, not an element";
            return false;
        }

        return SetFrom(target, steps, 0, value, ref problem) == Outcome.Set;
    }

    private enum Outcome { Set, Occupied, Failed }

    private static Outcome SetFrom(Base node, IReadOnlyList<DefinitionPath.Step> steps, int index, DataType value, ref string? problem)
    {
        var step = steps[index];
        var mapping = MappingOf(node, step.Name);
        if (mapping is null)
        {
            problem = $"{node.TypeName} has no element '{step.Name}'";
            return Outcome.Failed;
        }

        if (index == steps.Count - 1)
        {
            var converted = ValueConversion.To(value, mapping, step.ChosenType);
            if (converted is null)
            {
                problem = $"a {value.TypeName} cannot be put in {node.TypeName}.{step.Name}";
                return Outcome.Failed;
            }

            if (mapping.IsCollection)
            {
                ListOf(node, mapping).Add(converted);
                return Outcome.Set;
            }

            if (node.TryGetValue(mapping.Name, out var existing) && existing is not null)
            {
                return Outcome.Occupied;
            }

            node.SetValue(mapping.Name, converted);
            return Outcome.Set;
        }

        if (mapping.IsCollection)
        {
            var list = ListOf(node, mapping);
            if (list.Count > 0 && list[^1] is Base last)
            {
                var outcome = SetFrom(last, steps, index + 1, value, ref problem);
                if (outcome != Outcome.Occupied)
                {
                    return outcome;
                }
            }

            if (New(mapping, step.ChosenType) is not { } fresh)
            {
                problem = $"cannot create {node.TypeName}.{step.Name}";
                return Outcome.Failed;
            }

            list.Add(fresh);
            return SetFrom(fresh, steps, index + 1, value, ref problem);
        }

        if (!node.TryGetValue(mapping.Name, out var child) || child is not Base childElement)
        {
            if (New(mapping, step.ChosenType) is not { } created)
            {
                problem = $"cannot create {node.TypeName}.{step.Name}";
                return Outcome.Failed;
            }

            node.SetValue(mapping.Name, created);
            childElement = created;
        }

        return SetFrom(childElement, steps, index + 1, value, ref problem);
    }

    private static Base? Child(Base parent, DefinitionPath.Step step, bool reuse, out string? problem)
    {
        problem = null;
        var mapping = MappingOf(parent, step.Name);
        if (mapping is null)
        {
            problem = $"{parent.TypeName} has no element '{step.Name}'";
            return null;
        }

        if (mapping.IsCollection)
        {
            var list = ListOf(parent, mapping);
            if (reuse && list.Count > 0 && list[^1] is Base last)
            {
                return last;
            }

            var fresh = New(mapping, step.ChosenType);
            if (fresh is not null)
            {
                list.Add(fresh);
            }

            return fresh;
        }

        if (reuse && parent.TryGetValue(mapping.Name, out var existing) && existing is Base found)
        {
            return found;
        }

        var created = New(mapping, step.ChosenType);
        if (created is not null)
        {
            parent.SetValue(mapping.Name, created);
        }

        return created;
    }

    private static PropertyMapping? MappingOf(Base node, string name) =>
        ModelInfo.ModelInspector.FindOrImportClassMapping(node.GetType())?.FindMappedElementByName(name);

    private static System.Collections.IList ListOf(Base node, PropertyMapping mapping)
    {
        if (node.TryGetValue(mapping.Name, out var existing) && existing is System.Collections.IList list)
        {
            return list;
        }

        var created = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(mapping.ImplementingType))!;
        node.SetValue(mapping.Name, created);
        // Some POCOs copy the list they are given; read it back so additions land in the element.
        return node.TryGetValue(mapping.Name, out var stored) && stored is System.Collections.IList storedList ? storedList : created;
    }

    private static Base? New(PropertyMapping mapping, string? chosenType)
    {
        var type = mapping.ImplementingType;
        if (chosenType is not null && ValueConversion.TypeNamed(chosenType) is { } chosen)
        {
            type = chosen;
        }

        return type.IsAbstract || !typeof(Base).IsAssignableFrom(type) ? null : (Base?)Activator.CreateInstance(type);
    }
}
