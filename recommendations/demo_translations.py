"""French, Spanish and Arabic texts of the Lyon obstacles, recommendations and package (`seed_demo`),
keyed by their English text (recommendations.demo). Formal translations; names of systems (I-24/7,
Ecomessages, Purple Notices) and networks stay as they are known. Publishing the demo package then
renders it in all four languages."""

from meetings.demo_translations import translate

from .demo import PACKAGE_SUMMARY, PACKAGE_TITLE

# English text → (French, Spanish, Arabic)
TEXTS = {
    # --- Obstacles --------------------------------------------------------------------------------
    "Insufficient communication": ("Communication insuffisante", "Comunicación insuficiente", "قصور التواصل"),
    "Information on environmental crime cases, seizures and suspects does not flow quickly enough between "
    "member countries, regional enforcement networks and the General Secretariat. Focal points are often "
    "unknown to each other and requests go unanswered.": (
        "Les informations sur les affaires de criminalité environnementale, les saisies et les suspects ne "
        "circulent pas assez rapidement entre les pays membres, les réseaux régionaux de répression et le "
        "Secrétariat général. Les points focaux ne se connaissent souvent pas et des demandes restent sans "
        "réponse.",
        "La información sobre casos de delitos ambientales, incautaciones y sospechosos no circula con la "
        "rapidez suficiente entre los países miembros, las redes regionales de aplicación de la ley y la "
        "Secretaría General. A menudo los puntos focales no se conocen entre sí y hay solicitudes que quedan sin "
        "respuesta.",
        "لا تنتقل المعلومات المتعلقة بقضايا الجرائم البيئية والمضبوطات والمشتبه فيهم بالسرعة الكافية بين "
        "البلدان الأعضاء والشبكات الإقليمية لإنفاذ القانون والأمانة العامة. وكثيراً ما لا تعرف جهات الاتصال "
        "بعضها بعضاً، وتبقى طلبات دون رد.",
    ),
    "Lack of access to the organisation's tools by frontline officers": (
        "Manque d'accès des agents de terrain aux outils de l'Organisation",
        "Falta de acceso de los agentes de primera línea a las herramientas de la Organización",
        "عدم تمكّن موظفي الخطوط الأمامية من الوصول إلى أدوات المنظمة",
    ),
    "Customs, wildlife, forestry and fisheries officers at borders and in the field cannot query the "
    "organisation's databases or issue requests themselves; everything has to go through the National "
    "Central Bureau, which is slow and rarely done.": (
        "Les agents des douanes, de la faune, des forêts et des pêches postés aux frontières et sur le terrain ne "
        "peuvent ni consulter les bases de données de l'Organisation ni émettre eux-mêmes des demandes ; tout "
        "doit passer par le Bureau central national, ce qui est lent et rarement fait.",
        "Los funcionarios de aduanas, fauna silvestre, bosques y pesca destinados en las fronteras y sobre el "
        "terreno no pueden consultar las bases de datos de la Organización ni cursar solicitudes por sí mismos; "
        "todo debe pasar por la Oficina Central Nacional, lo cual es lento y rara vez se hace.",
        "لا يستطيع موظفو الجمارك والأحياء البرية والغابات ومصايد الأسماك العاملون على الحدود وفي الميدان "
        "الاستعلام في قواعد بيانات المنظمة أو تقديم الطلبات بأنفسهم؛ إذ يتعين أن يمر كل شيء عبر المكتب المركزي "
        "الوطني، وهو أمر بطيء ونادراً ما يحدث.",
    ),
    "Limited use of I-24/7 beyond the National Central Bureaus": (
        "Utilisation limitée d'I-24/7 au-delà des Bureaux centraux nationaux",
        "Uso limitado del I-24/7 fuera de las Oficinas Centrales Nacionales",
        "محدودية استخدام منظومة I-24/7 خارج المكاتب المركزية الوطنية",
    ),
    "The I-24/7 secure police communications system is installed at the National Central Bureaus but has "
    "not been extended to the environmental enforcement agencies that hold the relevant information.": (
        "Le système de communication policière sécurisé I-24/7 est installé dans les Bureaux centraux nationaux "
        "mais n'a pas été étendu aux services de répression des atteintes à l'environnement qui détiennent les "
        "informations utiles.",
        "El sistema seguro de comunicación policial I-24/7 está instalado en las Oficinas Centrales Nacionales, "
        "pero no se ha extendido a los organismos de aplicación de la legislación ambiental que poseen la "
        "información pertinente.",
        "منظومة الاتصالات الشرطية المأمونة I-24/7 مركّبة في المكاتب المركزية الوطنية، لكنها لم تُوسَّع لتشمل "
        "أجهزة إنفاذ القوانين البيئية التي تحوز المعلومات ذات الصلة.",
    ),
    "No shared picture of the lessons of past operations": (
        "Absence de vision commune des enseignements des opérations passées",
        "Falta de una visión compartida de las enseñanzas de operaciones anteriores",
        "غياب رؤية مشتركة للدروس المستخلصة من العمليات السابقة",
    ),
    "Case studies of past international operations showed the same mistakes repeated; their lessons are "
    "not collected or shared in a form that agencies planning new operations can use.": (
        "Les études de cas d'opérations internationales passées ont montré que les mêmes erreurs se répètent ; "
        "leurs enseignements ne sont ni recueillis ni partagés sous une forme exploitable par les services qui "
        "préparent de nouvelles opérations.",
        "Los estudios de casos de operaciones internacionales anteriores mostraron que se repiten los mismos "
        "errores; sus enseñanzas no se recopilan ni se comparten de forma que puedan aprovecharlas los "
        "organismos que planifican nuevas operaciones.",
        "أظهرت دراسات حالات العمليات الدولية السابقة تكرار الأخطاء نفسها؛ ولا تُجمع الدروس المستخلصة منها ولا "
        "تُتبادل في شكل يمكن للأجهزة التي تخطط لعمليات جديدة أن تستفيد منه.",
    ),
    "Regional networks and NGOs are not connected to the police channels": (
        "Les réseaux régionaux et les ONG ne sont pas reliés aux canaux policiers",
        "Las redes regionales y las ONG no están conectadas a los canales policiales",
        "الشبكات الإقليمية والمنظمات غير الحكومية غير موصولة بالقنوات الشرطية",
    ),
    "Regional wildlife enforcement networks and non-governmental organisations gather intelligence that "
    "rarely reaches law enforcement through a secure and accountable channel.": (
        "Les réseaux régionaux de lutte contre la criminalité liée aux espèces sauvages et les organisations non "
        "gouvernementales recueillent des renseignements qui parviennent rarement aux services chargés de "
        "l'application de la loi par un canal sûr et responsable.",
        "Las redes regionales de aplicación de la ley en materia de fauna y flora silvestres y las "
        "organizaciones no gubernamentales reúnen información de inteligencia que rara vez llega a los servicios "
        "encargados de la aplicación de la ley por un canal seguro y sujeto a rendición de cuentas.",
        "تجمع الشبكات الإقليمية لإنفاذ قوانين الأحياء البرية والمنظمات غير الحكومية معلومات استخبارية نادراً "
        "ما تصل إلى أجهزة إنفاذ القانون عبر قناة مأمونة وخاضعة للمساءلة.",
    ),
    # --- Recommendations --------------------------------------------------------------------------
    "Designate an environmental crime focal point in every National Central Bureau": (
        "Désigner un point focal pour la criminalité environnementale dans chaque Bureau central national",
        "Designar un punto focal sobre delitos ambientales en cada Oficina Central Nacional",
        "تعيين جهة اتصال معنية بالجرائم البيئية في كل مكتب مركزي وطني",
    ),
    "Each member country names, within three months, one officer of its National Central Bureau as the "
    "environmental crime focal point, publishes their contact details to the Environmental Crime Programme, "
    "and keeps them current. The Programme maintains the list and shares it with all focal points.": (
        "Chaque pays membre désigne, dans un délai de trois mois, un fonctionnaire de son Bureau central "
        "national comme point focal pour la criminalité environnementale, communique ses coordonnées au "
        "Programme sur la criminalité environnementale et les tient à jour. Le Programme tient la liste à jour "
        "et la communique à tous les points focaux.",
        "Cada país miembro designa, en un plazo de tres meses, a un funcionario de su Oficina Central Nacional "
        "como punto focal sobre delitos ambientales, comunica sus datos de contacto al Programa sobre Delitos "
        "contra el Medio Ambiente y los mantiene actualizados. El Programa mantiene la lista y la comparte con "
        "todos los puntos focales.",
        "يعيّن كل بلد عضو، في غضون ثلاثة أشهر، موظفاً من مكتبه المركزي الوطني جهةَ اتصال معنية بالجرائم "
        "البيئية، ويبلغ برنامج مكافحة الجرائم البيئية ببيانات الاتصال به ويحرص على تحديثها. ويتولى البرنامج "
        "مسك القائمة وتعميمها على جميع جهات الاتصال.",
    ),
    "Extend I-24/7 access to national environmental enforcement agencies": (
        "Étendre l'accès à I-24/7 aux services nationaux de répression des atteintes à l'environnement",
        "Ampliar el acceso al I-24/7 a los organismos nacionales de aplicación de la legislación ambiental",
        "توسيع نطاق الوصول إلى منظومة I-24/7 ليشمل الأجهزة الوطنية لإنفاذ القوانين البيئية",
    ),
    "Member countries extend I-24/7 beyond the National Central Bureau to the wildlife, forestry, fisheries "
    "and customs agencies that investigate environmental crime, starting with one agency per country within "
    "a year, with the Programme's technical support.": (
        "Les pays membres étendent I-24/7 au-delà du Bureau central national aux services de la faune, des "
        "forêts, des pêches et des douanes qui enquêtent sur la criminalité environnementale, en commençant par "
        "un service par pays dans un délai d'un an, avec l'appui technique du Programme.",
        "Los países miembros extienden el I-24/7 más allá de la Oficina Central Nacional a los organismos de "
        "fauna silvestre, bosques, pesca y aduanas que investigan los delitos ambientales, empezando por un "
        "organismo por país en el plazo de un año, con el apoyo técnico del Programa.",
        "توسّع البلدان الأعضاء نطاق منظومة I-24/7 خارج المكتب المركزي الوطني لتشمل أجهزة الأحياء البرية "
        "والغابات ومصايد الأسماك والجمارك التي تحقق في الجرائم البيئية، بدءاً بجهاز واحد في كل بلد في غضون "
        "سنة، بدعم تقني من البرنامج.",
    ),
    "Give frontline officers direct, controlled queries of the databases": (
        "Permettre aux agents de terrain de consulter directement les bases de données, sous contrôle",
        "Facilitar a los agentes de primera línea consultas directas y controladas de las bases de datos",
        "تمكين موظفي الخطوط الأمامية من الاستعلام المباشر والمراقَب في قواعد البيانات",
    ),
    "Where national law allows, frontline officers at borders, ports and airports receive direct query "
    "access to the stolen and lost travel documents, nominal and notices databases through the existing "
    "national integration solutions, with training delivered by the Programme.": (
        "Lorsque le droit national le permet, les agents de terrain postés aux frontières, dans les ports et "
        "les aéroports obtiennent un accès direct en consultation aux bases de données sur les documents de "
        "voyage volés ou perdus, sur les données nominatives et sur les notices, au moyen des solutions "
        "nationales d'intégration existantes, avec une formation dispensée par le Programme.",
        "Cuando la legislación nacional lo permita, los agentes de primera línea destinados en fronteras, "
        "puertos y aeropuertos obtienen acceso directo de consulta a las bases de datos de documentos de viaje "
        "robados y perdidos, de datos nominales y de notificaciones mediante las soluciones nacionales de "
        "integración existentes, con formación impartida por el Programa.",
        "حيثما يسمح القانون الوطني، يُمنح موظفو الخطوط الأمامية في المنافذ الحدودية والموانئ والمطارات حق "
        "الاستعلام المباشر في قواعد بيانات وثائق السفر المسروقة والمفقودة والبيانات الاسمية والنشرات، عبر "
        "حلول الربط الوطنية القائمة، مع تدريب يقدمه البرنامج.",
    ),
    "Use Ecomessages and Purple Notices systematically": (
        "Utiliser systématiquement les Ecomessages et les notices violettes",
        "Utilizar sistemáticamente los Ecomensajes y las notificaciones moradas",
        "الاستخدام المنهجي للرسائل البيئية (Ecomessages) والنشرات البنفسجية",
    ),
    "Member countries report environmental crime seizures and modi operandi through Ecomessages and request "
    "Purple Notices for new concealment methods, so that every case contributes to a common picture.": (
        "Les pays membres signalent les saisies et les modes opératoires liés à la criminalité environnementale "
        "au moyen des Ecomessages et demandent la publication de notices violettes pour les nouvelles méthodes "
        "de dissimulation, afin que chaque affaire contribue à une vision commune.",
        "Los países miembros notifican las incautaciones y los modus operandi relacionados con delitos "
        "ambientales mediante Ecomensajes y solicitan notificaciones moradas sobre nuevos métodos de "
        "ocultación, para que cada caso contribuya a una visión común.",
        "تبلّغ البلدان الأعضاء عن المضبوطات وأساليب العمل الإجرامي المتصلة بالجرائم البيئية عبر الرسائل "
        "البيئية، وتطلب إصدار نشرات بنفسجية بشأن أساليب الإخفاء الجديدة، كي تسهم كل قضية في رسم صورة مشتركة.",
    ),
    "Publish an after-action review of every international operation": (
        "Publier un bilan après action de chaque opération internationale",
        "Publicar una evaluación posterior de cada operación internacional",
        "نشر تقييم لاحق لكل عملية دولية",
    ),
    "The Programme publishes, within six months of each coordinated operation, a short restricted review "
    "of what worked and what did not, and presents it to the participating countries before the next "
    "operation is planned.": (
        "Dans les six mois suivant chaque opération coordonnée, le Programme publie un bref bilan à diffusion "
        "restreinte de ce qui a fonctionné et de ce qui n'a pas fonctionné, et le présente aux pays participants "
        "avant la planification de l'opération suivante.",
        "En los seis meses siguientes a cada operación coordinada, el Programa publica una breve evaluación de "
        "difusión restringida sobre lo que funcionó y lo que no, y la presenta a los países participantes antes "
        "de planificar la siguiente operación.",
        "ينشر البرنامج، في غضون ستة أشهر من كل عملية منسقة، تقييماً موجزاً محدود التداول لما نجح وما لم ينجح، "
        "ويعرضه على البلدان المشاركة قبل التخطيط للعملية التالية.",
    ),
    "Connect regional enforcement networks to the secure channels": (
        "Relier les réseaux régionaux de répression aux canaux sécurisés",
        "Conectar las redes regionales de aplicación de la ley a los canales seguros",
        "ربط الشبكات الإقليمية لإنفاذ القانون بالقنوات المأمونة",
    ),
    "Regional networks such as the Lusaka Agreement Task Force, SAWEN and ASEAN-WEN agree a working "
    "arrangement with the Programme to exchange operational information through secure channels, with a "
    "named contact in each network.": (
        "Les réseaux régionaux tels que la Lusaka Agreement Task Force, le SAWEN et l'ASEAN-WEN concluent avec "
        "le Programme un arrangement de travail pour échanger des informations opérationnelles par des canaux "
        "sécurisés, avec un interlocuteur désigné dans chaque réseau.",
        "Las redes regionales como la Lusaka Agreement Task Force, la SAWEN y la ASEAN-WEN acuerdan con el "
        "Programa un arreglo de trabajo para intercambiar información operativa por canales seguros, con un "
        "contacto designado en cada red.",
        "تتفق الشبكات الإقليمية، مثل فرقة عمل اتفاق لوساكا وSAWEN وASEAN-WEN، مع البرنامج على ترتيب عمل لتبادل "
        "المعلومات العملياتية عبر قنوات مأمونة، مع تسمية جهة اتصال في كل شبكة.",
    ),
    "Channel NGO intelligence to law enforcement through the Programme": (
        "Acheminer les renseignements des ONG vers les services de répression par l'intermédiaire du Programme",
        "Canalizar la información de inteligencia de las ONG hacia los servicios policiales a través del Programa",
        "توجيه المعلومات الاستخبارية للمنظمات غير الحكومية إلى أجهزة إنفاذ القانون عبر البرنامج",
    ),
    "Non-governmental organisations share intelligence on environmental crime with the Programme under a "
    "written data-protection framework, so it can be assessed and passed to the member countries concerned.": (
        "Les organisations non gouvernementales communiquent au Programme leurs renseignements sur la "
        "criminalité environnementale dans un cadre écrit de protection des données, afin qu'ils puissent être "
        "évalués et transmis aux pays membres concernés.",
        "Las organizaciones no gubernamentales comparten con el Programa información de inteligencia sobre "
        "delitos ambientales en el marco de un régimen escrito de protección de datos, para que pueda evaluarse "
        "y transmitirse a los países miembros interesados.",
        "تتبادل المنظمات غير الحكومية مع البرنامج المعلومات الاستخبارية المتعلقة بالجرائم البيئية في إطار "
        "مكتوب لحماية البيانات، كي يتسنى تقييمها وإحالتها إلى البلدان الأعضاء المعنية.",
    ),
    "Meet again within a year to review implementation": (
        "Se réunir à nouveau dans un délai d'un an pour examiner la mise en œuvre",
        "Volver a reunirse en el plazo de un año para examinar la aplicación",
        "الاجتماع مجدداً في غضون سنة لاستعراض التنفيذ",
    ),
    "The participants' organisations report on the implementation of these recommendations through the "
    "portal and meet again within twelve months to review progress and adjust them.": (
        "Les organisations des participants rendent compte de la mise en œuvre de ces recommandations au moyen "
        "du portail et se réunissent à nouveau dans un délai de douze mois pour examiner les progrès accomplis "
        "et les ajuster.",
        "Las organizaciones de los participantes informan sobre la aplicación de estas recomendaciones a través "
        "del portal y vuelven a reunirse en un plazo de doce meses para examinar los avances y ajustarlas.",
        "تقدّم منظمات المشاركين تقارير عن تنفيذ هذه التوصيات عبر البوابة، وتجتمع مجدداً في غضون اثني عشر "
        "شهراً لاستعراض التقدم المحرز وتعديلها.",
    ),
    # --- Package ----------------------------------------------------------------------------------
    PACKAGE_TITLE: (
        "Recommandations de la visite de familiarisation de Lyon",
        "Recomendaciones de la visita de familiarización de Lyon",
        "توصيات الزيارة التعريفية إلى ليون",
    ),
    PACKAGE_SUMMARY: (
        "Du 13 au 16 mai 2013, seize représentants de pays membres, de réseaux régionaux de répression, d'un "
        "consortium international et d'organisations non gouvernementales se sont réunis au Secrétariat général, "
        "à Lyon, pour découvrir comment les outils, services et opérations mondiaux de l'Organisation peuvent "
        "appuyer la lutte contre la criminalité environnementale.\n\n"
        "En examinant des difficultés communes et des études de cas d'opérations internationales passées, ils "
        "ont recensé les obstacles à une coopération fructueuse exposés ci-après, au premier rang desquels une "
        "communication insuffisante et le manque d'accès des agents de terrain aux outils de l'Organisation, et "
        "formulé les recommandations suivantes, communiquées aux 190 pays membres.",
        "Del 13 al 16 de mayo de 2013, dieciséis representantes de países miembros, redes regionales de "
        "aplicación de la ley, un consorcio internacional y organizaciones no gubernamentales se reunieron en la "
        "Secretaría General, en Lyon, para conocer cómo las herramientas, los servicios y las operaciones "
        "mundiales de la Organización pueden apoyar la lucha contra los delitos ambientales.\n\n"
        "Al debatir retos comunes y estudios de casos de operaciones internacionales anteriores, identificaron "
        "los obstáculos a una cooperación eficaz que se exponen a continuación, entre los que destacan una "
        "comunicación insuficiente y la falta de acceso de los agentes de primera línea a las herramientas de la "
        "Organización, y formularon las siguientes recomendaciones, comunicadas a los 190 países miembros.",
        "في الفترة من 13 إلى 16 أيار/مايو 2013، اجتمع ستة عشر ممثلاً عن بلدان أعضاء وشبكات إقليمية لإنفاذ "
        "القانون واتحاد دولي ومنظمات غير حكومية في الأمانة العامة في ليون، للتعرف على السبل التي يمكن بها "
        "لأدوات المنظمة وخدماتها وعملياتها العالمية أن تدعم مكافحة الجرائم البيئية.\n\n"
        "ومن خلال مناقشة التحديات المشتركة ودراسات حالات عمليات دولية سابقة، حددوا العقبات التي تعترض نجاح "
        "التعاون والمبيّنة أدناه، وفي مقدمتها قصور التواصل وعدم تمكّن موظفي الخطوط الأمامية من الوصول إلى "
        "أدوات المنظمة، وصاغوا التوصيات التالية التي عُمّمت على البلدان الأعضاء المائة والتسعين.",
    ),
}


def translate_demo_content(*, obstacles, recommendations, package) -> None:
    """Fill the empty French, Spanish and Arabic texts of the demo's obstacles, recommendations and
    (draft) package."""
    for obstacle in obstacles:
        if columns := translate(obstacle, ("title", "description"), TEXTS):
            obstacle.save(update_fields=columns)
    for recommendation in recommendations:
        if columns := translate(recommendation, ("title", "text"), TEXTS):
            recommendation.save(update_fields=columns)
    if package.is_frozen:
        return
    if columns := translate(package, ("title", "summary"), TEXTS):
        package.save(update_fields=columns)
