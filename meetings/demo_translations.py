"""French, Spanish and Arabic texts of the demo visits (`seed_demo`), keyed by their English text.

Formal translations of the texts in meetings.demo; names of tools (I-24/7), networks and
organisations stay as they are known. `translate_demo_visits` fills only empty translations, so a
staff member's own wording is never overwritten.
"""

from django.utils import translation
from django.utils.dateformat import format as date_format

LANGUAGES = ("fr", "es", "ar")

# English text → (French, Spanish, Arabic)
TEXTS = {
    # --- Lyon -------------------------------------------------------------------------------------
    "Familiarization visit to the General Secretariat, Lyon": (
        "Visite de familiarisation au Secrétariat général, Lyon",
        "Visita de familiarización a la Secretaría General, Lyon",
        "زيارة تعريفية إلى الأمانة العامة، ليون",
    ),
    "A four-day familiarization visit at the General Secretariat headquarters in Lyon, organized by the "
    "Environmental Crime Programme, for the people responsible for environmental crime in member countries "
    "and in regional, international and non-governmental organizations: to learn about the global tools, "
    "services and operations on offer and to discuss cooperation on future projects and activities.": (
        "Une visite de familiarisation de quatre jours au siège du Secrétariat général à Lyon, organisée par le "
        "Programme sur la criminalité environnementale, à l'intention des responsables de la lutte contre la "
        "criminalité environnementale dans les pays membres et dans les organisations régionales, internationales "
        "et non gouvernementales : découvrir les outils, services et opérations mondiaux proposés et examiner la "
        "coopération dans le cadre de projets et d'activités futurs.",
        "Una visita de familiarización de cuatro días a la sede de la Secretaría General en Lyon, organizada por "
        "el Programa sobre Delitos contra el Medio Ambiente, dirigida a los responsables de la lucha contra los "
        "delitos ambientales en los países miembros y en las organizaciones regionales, internacionales y no "
        "gubernamentales, para conocer las herramientas, los servicios y las operaciones mundiales disponibles y "
        "debatir la cooperación en futuros proyectos y actividades.",
        "زيارة تعريفية مدتها أربعة أيام إلى مقر الأمانة العامة في ليون، ينظمها برنامج مكافحة الجرائم البيئية "
        "لفائدة المسؤولين عن مكافحة الجرائم البيئية في البلدان الأعضاء وفي المنظمات الإقليمية والدولية وغير "
        "الحكومية، بهدف التعرف على الأدوات والخدمات والعمليات العالمية المتاحة ومناقشة التعاون في المشاريع "
        "والأنشطة المقبلة.",
    ),
    "16 representatives of China, Kenya, Nepal, Thailand, the United Kingdom, the United States, LATF, "
    "SAWEN, ASEAN-WEN, ICCWC, the Freeland Foundation and IFAW visited the Command and Coordination Centre, "
    "reviewed tools such as the I-24/7 secure police communications system and studied lessons from past "
    "international operations. They identified obstacles to cooperation — including insufficient "
    "communication and frontline officers' lack of access to the tools — and generated a set of "
    "recommendations shared with all 190 member countries.": (
        "Seize représentants de la Chine, du Kenya, du Népal, de la Thaïlande, du Royaume-Uni, des États-Unis, "
        "de la LATF, du SAWEN, de l'ASEAN-WEN, de l'ICCWC, de la Freeland Foundation et de l'IFAW ont visité le "
        "Centre de commandement et de coordination, examiné des outils tels que le système de communication "
        "policière sécurisé I-24/7 et étudié les enseignements d'opérations internationales passées. Ils ont "
        "recensé les obstacles à la coopération — notamment une communication insuffisante et le manque d'accès "
        "des agents de terrain aux outils — et formulé un ensemble de recommandations communiquées aux 190 pays "
        "membres.",
        "Dieciséis representantes de China, Kenia, Nepal, Tailandia, el Reino Unido, los Estados Unidos, la "
        "LATF, la SAWEN, la ASEAN-WEN, el ICCWC, la Freeland Foundation y el IFAW visitaron el Centro de Mando y "
        "Coordinación, examinaron herramientas como el sistema seguro de comunicación policial I-24/7 y "
        "estudiaron las enseñanzas de operaciones internacionales anteriores. Identificaron los obstáculos a la "
        "cooperación —entre ellos, una comunicación insuficiente y la falta de acceso de los agentes de primera "
        "línea a las herramientas— y formularon un conjunto de recomendaciones comunicadas a los 190 países "
        "miembros.",
        "زار ستة عشر ممثلاً عن الصين وكينيا ونيبال وتايلند والمملكة المتحدة والولايات المتحدة وLATF وSAWEN "
        "وASEAN-WEN وICCWC ومؤسسة فريلاند وIFAW مركزَ القيادة والتنسيق، واستعرضوا أدوات مثل منظومة الاتصالات "
        "الشرطية المأمونة I-24/7، ودرسوا الدروس المستخلصة من عمليات دولية سابقة. وحددوا العقبات التي تعترض "
        "التعاون — ومنها قصور التواصل وعدم تمكّن موظفي الخطوط الأمامية من الوصول إلى الأدوات — وصاغوا مجموعة "
        "من التوصيات عُمّمت على البلدان الأعضاء المائة والتسعين.",
    ),
    "General Secretariat": ("Secrétariat général", "Secretaría General", "الأمانة العامة"),
    "Lyon": ("Lyon", "Lyon", "ليون"),
    # Places
    "Conference room A, ground floor": (
        "Salle de conférence A, rez-de-chaussée",
        "Sala de conferencias A, planta baja",
        "قاعة المؤتمرات A، الطابق الأرضي",
    ),
    "Conference room B, first floor": (
        "Salle de conférence B, premier étage",
        "Sala de conferencias B, primera planta",
        "قاعة المؤتمرات B، الطابق الأول",
    ),
    "Command and Coordination Centre": (
        "Centre de commandement et de coordination",
        "Centro de Mando y Coordinación",
        "مركز القيادة والتنسيق",
    ),
    "Training room 1": ("Salle de formation 1", "Sala de formación 1", "قاعة التدريب 1"),
    "Training room 2": ("Salle de formation 2", "Sala de formación 2", "قاعة التدريب 2"),
    "Auditorium": ("Auditorium", "Auditorio", "قاعة المحاضرات"),
    "Meeting point: main lobby": (
        "Point de rendez-vous : hall principal",
        "Punto de encuentro: vestíbulo principal",
        "نقطة التجمع: البهو الرئيسي",
    ),
    "Digital forensics laboratory": (
        "Laboratoire de criminalistique numérique",
        "Laboratorio de informática forense",
        "مختبر التحليل الجنائي الرقمي",
    ),
    "Breakout rooms 1–3": ("Salles de travail 1 à 3", "Salas de trabajo 1 a 3", "قاعات العمل الفرعية 1–3"),
    # Speakers (roles, not names)
    "Head of the Environmental Crime Programme": (
        "Chef du Programme sur la criminalité environnementale",
        "Jefe del Programa sobre Delitos contra el Medio Ambiente",
        "رئيس برنامج مكافحة الجرائم البيئية",
    ),
    "Environmental Crime Programme team": (
        "Équipe du Programme sur la criminalité environnementale",
        "Equipo del Programa sobre Delitos contra el Medio Ambiente",
        "فريق برنامج مكافحة الجرائم البيئية",
    ),
    "Duty officer": ("Officier de permanence", "Oficial de guardia", "الضابط المناوب"),
    "Global Complex for Innovation project team": (
        "Équipe du projet du Complexe mondial pour l'innovation",
        "Equipo del proyecto del Complejo Mundial para la Innovación",
        "فريق مشروع المجمع العالمي للابتكار",
    ),
    "Information systems directorate": (
        "Direction des systèmes d'information",
        "Dirección de Sistemas de Información",
        "مديرية نظم المعلومات",
    ),
    "Notices unit": ("Sous-direction des notices", "Unidad de Notificaciones", "وحدة النشرات"),
    "Databases unit": ("Sous-direction des bases de données", "Unidad de Bases de Datos", "وحدة قواعد البيانات"),
    "Crime areas coordinators": (
        "Coordonnateurs des domaines de criminalité",
        "Coordinadores de los ámbitos delictivos",
        "منسقو مجالات الإجرام",
    ),
    "Host team": ("Équipe d'accueil", "Equipo anfitrión", "الفريق المضيف"),
    "Programme team": ("Équipe du Programme", "Equipo del Programa", "فريق البرنامج"),
    "Information systems team": (
        "Équipe des systèmes d'information",
        "Equipo de Sistemas de Información",
        "فريق نظم المعلومات",
    ),
    "Forensics team": ("Équipe de criminalistique", "Equipo forense", "فريق التحليل الجنائي"),
    "Financial crime unit": (
        "Sous-direction de la criminalité financière",
        "Unidad de Delitos Financieros",
        "وحدة الجرائم المالية",
    ),
    # Lyon agenda
    "Welcome and introductions": ("Accueil et présentations", "Bienvenida y presentaciones", "الترحيب والتعارف"),
    "Opening of the visit; participants present their responsibilities for environmental crime.": (
        "Ouverture de la visite ; les participants présentent leurs responsabilités en matière de criminalité "
        "environnementale.",
        "Apertura de la visita; los participantes presentan sus responsabilidades en materia de delitos ambientales.",
        "افتتاح الزيارة؛ يعرض المشاركون مسؤولياتهم في مجال مكافحة الجرائم البيئية.",
    ),
    "The Environmental Crime Programme": (
        "Le Programme sur la criminalité environnementale",
        "El Programa sobre Delitos contra el Medio Ambiente",
        "برنامج مكافحة الجرائم البيئية",
    ),
    "Objectives, partners and current projects of the programme.": (
        "Objectifs, partenaires et projets en cours du Programme.",
        "Objetivos, asociados y proyectos en curso del Programa.",
        "أهداف البرنامج وشركاؤه ومشاريعه الجارية.",
    ),
    "Tour of the 24-hour Command and Coordination Centre": (
        "Visite du Centre de commandement et de coordination, ouvert 24 heures sur 24",
        "Recorrido por el Centro de Mando y Coordinación, que funciona las 24 horas",
        "جولة في مركز القيادة والتنسيق العامل على مدار الساعة",
    ),
    "How requests from member countries are handled around the clock, every day of the year.": (
        "Comment les demandes des pays membres sont traitées 24 heures sur 24, tous les jours de l'année.",
        "Cómo se tramitan las solicitudes de los países miembros las 24 horas del día, todos los días del año.",
        "كيف تُعالَج طلبات البلدان الأعضاء على مدار الساعة، طوال أيام السنة.",
    ),
    "The Global Complex for Innovation": (
        "Le Complexe mondial pour l'innovation",
        "El Complejo Mundial para la Innovación",
        "المجمع العالمي للابتكار",
    ),
    "The complex under development in Singapore: research, capacity building and operational support.": (
        "Le complexe en cours de création à Singapour : recherche, renforcement des capacités et appui opérationnel.",
        "El complejo en construcción en Singapur: investigación, fortalecimiento de capacidades y apoyo operativo.",
        "المجمع قيد الإنشاء في سنغافورة: البحث وبناء القدرات والدعم العملياتي.",
    ),
    "Environmental crime in participants' countries and organizations": (
        "La criminalité environnementale dans les pays et organisations des participants",
        "Los delitos ambientales en los países y organizaciones de los participantes",
        "الجرائم البيئية في بلدان المشاركين ومنظماتهم",
    ),
    "Round table on the main threats and current responses.": (
        "Table ronde sur les principales menaces et les réponses actuelles.",
        "Mesa redonda sobre las principales amenazas y las respuestas actuales.",
        "مائدة مستديرة حول أبرز التهديدات وسبل التصدي الحالية.",
    ),
    "I-24/7 secure police communications system": (
        "Le système de communication policière sécurisé I-24/7",
        "El sistema seguro de comunicación policial I-24/7",
        "منظومة الاتصالات الشرطية المأمونة I-24/7",
    ),
    "How the network connects National Central Bureaus and how access can be extended to frontline units.": (
        "Comment le réseau relie les Bureaux centraux nationaux et comment l'accès peut être étendu aux unités "
        "de terrain.",
        "Cómo la red conecta las Oficinas Centrales Nacionales y cómo puede ampliarse el acceso a las unidades "
        "de primera línea.",
        "كيف تربط الشبكة بين المكاتب المركزية الوطنية وكيف يمكن توسيع نطاق الوصول إليها ليشمل وحدات الخطوط الأمامية.",
    ),
    "Notices and diffusions": ("Notices et diffusions", "Notificaciones y difusiones", "النشرات والتعميمات"),
    "Colour-coded notices for wanted persons, modus operandi and threats; requests for cooperation.": (
        "Notices à code couleur concernant les personnes recherchées, les modes opératoires et les menaces ; "
        "demandes de coopération.",
        "Notificaciones con código de colores sobre personas buscadas, modus operandi y amenazas; solicitudes de "
        "cooperación.",
        "النشرات المرمّزة بالألوان بشأن الأشخاص المطلوبين وأساليب العمل الإجرامي والتهديدات؛ وطلبات التعاون.",
    ),
    "Databases and forensic services": (
        "Bases de données et services de police scientifique",
        "Bases de datos y servicios forenses",
        "قواعد البيانات وخدمات الأدلة الجنائية",
    ),
    "Nominal data, stolen and lost travel documents, and the forensic services available to investigators.": (
        "Données nominatives, documents de voyage volés ou perdus et services de police scientifique mis à la "
        "disposition des enquêteurs.",
        "Datos nominales, documentos de viaje robados y perdidos, y servicios forenses a disposición de los "
        "investigadores.",
        "البيانات الاسمية ووثائق السفر المسروقة والمفقودة وخدمات الأدلة الجنائية المتاحة للمحققين.",
    ),
    "Crime areas supported worldwide": (
        "Domaines de criminalité appuyés dans le monde",
        "Ámbitos delictivos apoyados en todo el mundo",
        "مجالات الإجرام المشمولة بالدعم في العالم",
    ),
    "Overview of the crime areas in which the organisation supports law enforcement.": (
        "Présentation des domaines de criminalité dans lesquels l'Organisation appuie les services chargés de "
        "l'application de la loi.",
        "Panorama de los ámbitos delictivos en los que la Organización apoya a los servicios encargados de la "
        "aplicación de la ley.",
        "لمحة عامة عن مجالات الإجرام التي تدعم فيها المنظمة أجهزة إنفاذ القانون.",
    ),
    "Crime-area briefings: links with environmental crime": (
        "Exposés par domaine de criminalité : liens avec la criminalité environnementale",
        "Exposiciones por ámbito delictivo: vínculos con los delitos ambientales",
        "إحاطات حسب مجال الإجرام: الصلات بالجرائم البيئية",
    ),
    "Financial crime, corruption and organized crime networks behind environmental crime.": (
        "Criminalité financière, corruption et réseaux criminels organisés à l'origine de la criminalité "
        "environnementale.",
        "Delitos financieros, corrupción y redes de delincuencia organizada detrás de los delitos ambientales.",
        "الجرائم المالية والفساد وشبكات الجريمة المنظمة التي تقف وراء الجرائم البيئية.",
    ),
    "Lessons learned: an international wildlife operation": (
        "Enseignements tirés : une opération internationale sur les espèces sauvages",
        "Enseñanzas extraídas: una operación internacional sobre fauna y flora silvestres",
        "الدروس المستفادة: عملية دولية في مجال الأحياء البرية",
    ),
    "What worked and what did not when several regions acted at the same time.": (
        "Ce qui a fonctionné et ce qui n'a pas fonctionné lorsque plusieurs régions ont agi simultanément.",
        "Lo que funcionó y lo que no cuando varias regiones actuaron al mismo tiempo.",
        "ما نجح وما لم ينجح عندما تحركت عدة مناطق في الوقت نفسه.",
    ),
    "Lessons learned: an international timber operation": (
        "Enseignements tirés : une opération internationale sur le bois",
        "Enseñanzas extraídas: una operación internacional sobre la madera",
        "الدروس المستفادة: عملية دولية في مجال الأخشاب",
    ),
    "Sharing information across borders and following the money.": (
        "Partager l'information par-delà les frontières et suivre la piste de l'argent.",
        "Compartir información a través de las fronteras y seguir el rastro del dinero.",
        "تبادل المعلومات عبر الحدود وتتبّع الأموال.",
    ),
    "Using the tools and services against environmental crime": (
        "Utiliser les outils et services contre la criminalité environnementale",
        "Uso de las herramientas y los servicios contra los delitos ambientales",
        "استخدام الأدوات والخدمات في مكافحة الجرائم البيئية",
    ),
    "Working groups: how each participant's agency could best use the tools and services.": (
        "Groupes de travail : comment le service de chaque participant peut tirer le meilleur parti des outils "
        "et services.",
        "Grupos de trabajo: cómo puede el organismo de cada participante aprovechar mejor las herramientas y los "
        "servicios.",
        "مجموعات عمل: كيف يمكن لجهاز كل مشارك أن يستفيد على أفضل وجه من الأدوات والخدمات.",
    ),
    "Obstacles to successful future cooperation": (
        "Obstacles à une coopération future fructueuse",
        "Obstáculos para una cooperación futura eficaz",
        "العقبات التي تعترض نجاح التعاون مستقبلاً",
    ),
    "Closing session, part 1: the obstacles participants identified.": (
        "Séance de clôture, première partie : les obstacles recensés par les participants.",
        "Sesión de clausura, primera parte: los obstáculos señalados por los participantes.",
        "الجلسة الختامية، الجزء الأول: العقبات التي حددها المشاركون.",
    ),
    "Recommendations and next steps": (
        "Recommandations et prochaines étapes",
        "Recomendaciones y próximos pasos",
        "التوصيات والخطوات التالية",
    ),
    "Closing session, part 2: recommendations to share with all member countries; closing remarks.": (
        "Séance de clôture, deuxième partie : recommandations à communiquer à tous les pays membres ; "
        "allocutions de clôture.",
        "Sesión de clausura, segunda parte: recomendaciones que se comunicarán a todos los países miembros; "
        "palabras de clausura.",
        "الجلسة الختامية، الجزء الثاني: توصيات تُعمَّم على جميع البلدان الأعضاء؛ كلمات الختام.",
    ),
    # --- Singapore --------------------------------------------------------------------------------
    "Global Complex for Innovation": (
        "Complexe mondial pour l'innovation",
        "Complejo Mundial para la Innovación",
        "المجمع العالمي للابتكار",
    ),
    "Singapore": ("Singapour", "Singapur", "سنغافورة"),
    "Four days at the Global Complex for Innovation for officers responsible for environmental crime: "
    "the operational and digital-forensics support on offer, the secure communications tools, case "
    "studies from recent operations and a working session on cooperation in the region.": (
        "Quatre jours au Complexe mondial pour l'innovation à l'intention des agents chargés de la lutte contre "
        "la criminalité environnementale : l'appui opérationnel et de criminalistique numérique proposé, les "
        "outils de communication sécurisés, des études de cas d'opérations récentes et une séance de travail sur "
        "la coopération dans la région.",
        "Cuatro días en el Complejo Mundial para la Innovación dirigidos a los funcionarios responsables de la "
        "lucha contra los delitos ambientales: el apoyo operativo y de informática forense disponible, las "
        "herramientas de comunicación seguras, estudios de casos de operaciones recientes y una sesión de trabajo "
        "sobre la cooperación en la región.",
        "أربعة أيام في المجمع العالمي للابتكار لفائدة الموظفين المسؤولين عن مكافحة الجرائم البيئية: الدعم "
        "العملياتي ودعم التحليل الجنائي الرقمي المتاح، وأدوات الاتصال المأمونة، ودراسات حالات من عمليات حديثة، "
        "وجلسة عمل بشأن التعاون في المنطقة.",
    ),
    "Participants present their agencies and their priorities.": (
        "Les participants présentent leurs services et leurs priorités.",
        "Los participantes presentan sus organismos y sus prioridades.",
        "يعرّف المشاركون بأجهزتهم وأولوياتها.",
    ),
    "Tour of the Global Complex for Innovation": (
        "Visite du Complexe mondial pour l'innovation",
        "Recorrido por el Complejo Mundial para la Innovación",
        "جولة في المجمع العالمي للابتكار",
    ),
    "The innovation centre, the digital forensics laboratory and the operational support rooms.": (
        "Le centre d'innovation, le laboratoire de criminalistique numérique et les salles d'appui opérationnel.",
        "El centro de innovación, el laboratorio de informática forense y las salas de apoyo operativo.",
        "مركز الابتكار ومختبر التحليل الجنائي الرقمي وقاعات الدعم العملياتي.",
    ),
    "The Environmental Crime Programme today": (
        "Le Programme sur la criminalité environnementale aujourd'hui",
        "El Programa sobre Delitos contra el Medio Ambiente en la actualidad",
        "برنامج مكافحة الجرائم البيئية اليوم",
    ),
    "Projects, partners and what member countries can ask for.": (
        "Projets, partenaires et ce que les pays membres peuvent demander.",
        "Proyectos, asociados y lo que pueden solicitar los países miembros.",
        "المشاريع والشركاء وما يمكن للبلدان الأعضاء طلبه.",
    ),
    "Recommendations of earlier visits: where we stand": (
        "Recommandations des visites précédentes : état des lieux",
        "Recomendaciones de visitas anteriores: situación actual",
        "توصيات الزيارات السابقة: أين نحن الآن",
    ),
    "Follow-up of the recommendations shared with member countries.": (
        "Suivi des recommandations communiquées aux pays membres.",
        "Seguimiento de las recomendaciones comunicadas a los países miembros.",
        "متابعة التوصيات التي عُمّمت على البلدان الأعضاء.",
    ),
    "Secure communications for frontline officers": (
        "Communications sécurisées pour les agents de terrain",
        "Comunicaciones seguras para los agentes de primera línea",
        "الاتصالات المأمونة لموظفي الخطوط الأمامية",
    ),
    "Extending access to the secure police communications system beyond the National Central Bureaus.": (
        "Étendre l'accès au système de communication policière sécurisé au-delà des Bureaux centraux nationaux.",
        "Ampliar el acceso al sistema seguro de comunicación policial más allá de las Oficinas Centrales Nacionales.",
        "توسيع نطاق الوصول إلى منظومة الاتصالات الشرطية المأمونة ليتجاوز المكاتب المركزية الوطنية.",
    ),
    "Notices and databases for environmental crime": (
        "Notices et bases de données au service de la lutte contre la criminalité environnementale",
        "Notificaciones y bases de datos para la lucha contra los delitos ambientales",
        "النشرات وقواعد البيانات في مكافحة الجرائم البيئية",
    ),
    "Hands-on session with notices, diffusions and database searches.": (
        "Séance pratique : notices, diffusions et consultation des bases de données.",
        "Sesión práctica con notificaciones, difusiones y consultas de bases de datos.",
        "جلسة تطبيقية على النشرات والتعميمات والبحث في قواعد البيانات.",
    ),
    "Digital forensics for wildlife cases": (
        "Criminalistique numérique dans les affaires d'atteintes aux espèces sauvages",
        "Informática forense en casos relacionados con la fauna y flora silvestres",
        "التحليل الجنائي الرقمي في قضايا الأحياء البرية",
    ),
    "Exploiting seized phones and online marketplaces.": (
        "Exploitation des téléphones saisis et des places de marché en ligne.",
        "Explotación de teléfonos incautados y de mercados en línea.",
        "استغلال الهواتف المضبوطة والأسواق الإلكترونية.",
    ),
    "Questions and answers on the tools": (
        "Questions et réponses sur les outils",
        "Preguntas y respuestas sobre las herramientas",
        "أسئلة وأجوبة حول الأدوات",
    ),
    "Case study: a cross-border wildlife trafficking network": (
        "Étude de cas : un réseau transfrontalier de trafic d'espèces sauvages",
        "Estudio de caso: una red transfronteriza de tráfico de fauna y flora silvestres",
        "دراسة حالة: شبكة عابرة للحدود للاتجار بالأحياء البرية",
    ),
    "From a seizure at an airport to the financiers of the network.": (
        "D'une saisie dans un aéroport jusqu'aux financiers du réseau.",
        "De una incautación en un aeropuerto a los financiadores de la red.",
        "من عملية ضبط في أحد المطارات إلى مموّلي الشبكة.",
    ),
    "Case study: illegal fishing and the crimes that come with it": (
        "Étude de cas : la pêche illicite et les infractions qui l'accompagnent",
        "Estudio de caso: la pesca ilegal y los delitos que la acompañan",
        "دراسة حالة: الصيد غير المشروع والجرائم المرتبطة به",
    ),
    "Financial investigations in environmental crime": (
        "Les enquêtes financières dans les affaires de criminalité environnementale",
        "Las investigaciones financieras en materia de delitos ambientales",
        "التحقيقات المالية في الجرائم البيئية",
    ),
    "Working groups by region": (
        "Groupes de travail par région",
        "Grupos de trabajo por región",
        "مجموعات عمل حسب المنطقة",
    ),
    "Obstacles to cooperation": (
        "Obstacles à la coopération",
        "Obstáculos a la cooperación",
        "العقبات التي تعترض التعاون",
    ),
    "Recommendations and closing": ("Recommandations et clôture", "Recomendaciones y clausura", "التوصيات والختام"),
}

# The Singapore visit's title carries its month, set when it is seeded.
UPCOMING_TITLES = (
    "Visite de familiarisation au Complexe mondial pour l'innovation, Singapour ({month})",
    "Visita de familiarización al Complejo Mundial para la Innovación, Singapur ({month})",
    "زيارة تعريفية إلى المجمع العالمي للابتكار، سنغافورة ({month})",
)
UPCOMING_TITLE_PREFIX = "Familiarization visit to the Global Complex for Innovation, Singapore ("


def translate(obj, fields, texts=TEXTS) -> list[str]:
    """Fill `obj`'s empty translations of `fields` from `texts`; the names of the columns filled."""
    filled = []
    for field in fields:
        english = getattr(obj, f"{field}_en") or ""
        for language, text in zip(LANGUAGES, texts.get(english, ()), strict=False):
            column = f"{field}_{language}"
            if not getattr(obj, column):
                setattr(obj, column, text)
                filled.append(column)
    return filled


def translate_demo_visits(visits) -> int:
    """Translate the demo visits and their agendas; returns the number of texts filled."""
    from .models import AgendaItem

    count = 0
    for visit in visits:
        filled = translate(visit, ("title", "description", "summary", "venue", "city"))
        if (visit.title_en or "").startswith(UPCOMING_TITLE_PREFIX):
            for language, pattern in zip(LANGUAGES, UPCOMING_TITLES, strict=True):
                if not getattr(visit, f"title_{language}"):
                    with translation.override(language):
                        month = date_format(visit.start_date, "F Y")
                    setattr(visit, f"title_{language}", pattern.format(month=month))
                    filled.append(f"title_{language}")
        if filled:
            visit.save(update_fields=sorted(set(filled)))
            count += len(filled)
        items = list(AgendaItem.objects.filter(visit=visit))
        changed = [item for item in items if translate(item, ("title", "description", "location", "speaker"))]
        if changed:
            columns = [f"{f}_{lang}" for f in ("title", "description", "location", "speaker") for lang in LANGUAGES]
            AgendaItem.objects.bulk_update(changed, columns)
            count += len(changed)
    return count
