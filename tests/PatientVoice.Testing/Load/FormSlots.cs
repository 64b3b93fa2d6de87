namespace PatientVoice.Testing.Load;

/// <summary>
/// The (patient, form) pairs a virtual patient may work on, one user at a time each: the sandbox seeds eleven patients,
/// and two people editing one patient's draft of one form is the "changed in another tab" case, not load.
/// </summary>
public sealed class FormSlots
{
    private readonly (string Patient, string Form, SemaphoreSlim Gate)[] _slots;

    public FormSlots(IEnumerable<string> patients, IEnumerable<string> forms)
        => _slots = [.. patients.SelectMany(p => forms.Select(f => (p, f, new SemaphoreSlim(1, 1))))];

    public int Count => _slots.Length;

    /// <summary>A free pair (waits when all are taken); dispose the lease to free it.</summary>
    public async Task<Lease> TakeAsync(CancellationToken cancellationToken)
    {
        var start = Random.Shared.Next(_slots.Length);
        for (var i = 0; i < _slots.Length; i++)
        {
            var slot = _slots[(start + i) % _slots.Length];
            if (slot.Gate.Wait(0, CancellationToken.None))
            {
                return new Lease(slot.Patient, slot.Form, slot.Gate);
            }
        }

        var chosen = _slots[start];
        await chosen.Gate.WaitAsync(cancellationToken);
        return new Lease(chosen.Patient, chosen.Form, chosen.Gate);
    }

    public sealed class Lease(string patient, string form, SemaphoreSlim gate) : IDisposable
    {
        public string Patient => patient;

        public string Form => form;

        public void Dispose() => gate.Release();
    }
}
