namespace PatientVoice.Web.Localization;

/// <summary>
/// A typed catalogue of one feature's page text: a record with a <c>required</c> string property per phrase and
/// one instance per language, so a phrase missing in a language does not compile. Pages ask
/// <c>HttpContext.Text&lt;LaunchText&gt;()</c>.
/// </summary>
public interface ILocalizedText<TSelf>
    where TSelf : ILocalizedText<TSelf>
{
    static abstract TSelf English { get; }

    static abstract TSelf Spanish { get; }
}

public static class LocalizedText
{
    public static T For<T>(UiLanguage language)
        where T : ILocalizedText<T>
        => language == UiLanguage.Spanish ? T.Spanish : T.English;

    /// <summary>The catalogue <typeparamref name="T"/> in this request's language (<see cref="UiLanguageResolver"/>).</summary>
    public static T Text<T>(this HttpContext context)
        where T : ILocalizedText<T>
        => For<T>(context.GetUiLanguage());
}
